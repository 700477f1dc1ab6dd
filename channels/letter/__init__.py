"""Letters (kind `letter`): one printable PDF per run; its page layout in templates/."""

from .transport import LetterChannel

__all__ = ["LetterChannel"]
