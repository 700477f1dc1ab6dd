class DeliveryError(Exception):
    """Sending failed. `permanent`: retrying the same message cannot succeed (e.g. SMTP 5xx);
    otherwise it may (4xx, connection lost). `str(error)` is the server's words."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent
