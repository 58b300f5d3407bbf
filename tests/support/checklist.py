"""The checks of the end-to-end Python tests: each printed as ok or FAIL as it is made,
and the exit status at the end (1 when any failed)."""


class Checklist:
    def __init__(self):
        self.failures = []

    def __call__(self, ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            self.failures.append(what)

    def exit_status(self):
        if self.failures:
            print(f"{len(self.failures)} check(s) failed")
            return 1
        return 0
