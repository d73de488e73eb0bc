"""A clock the tests move by hand (the connecteurs and actions take the clock as a parameter)."""

import datetime as dt

LE_20_NOVEMBRE = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)


class Horloge:
    def __init__(self, instant: dt.datetime = LE_20_NOVEMBRE) -> None:
        self.instant = instant

    def __call__(self) -> dt.datetime:
        return self.instant
