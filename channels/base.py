class DeliveryError(Exception):
    """Sending failed. `permanent`: retrying the same message cannot succeed (e.g. SMTP 5xx);
    otherwise it may (4xx, connection lost). `uncertain`: the whole message reached the
    server but its answer was lost, so it may have been accepted: never retried, a person
    decides. `str(error)` is the server's words."""

    def __init__(self, message: str, *, permanent: bool, uncertain: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.uncertain = uncertain
