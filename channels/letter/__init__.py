from .transport import Letter, LetterChannel, Letterhead

__all__ = ["Letter", "LetterChannel", "Letterhead"]
