"""python -m darkscan.plot --dir D --selected S --model M --results R [--interpretation I]
[--summary F] [--formats png,pdf] [--jobs N]: every figure of a run and D/report.md, as
`darkscan run` starts it (docs/commands/run.md); exit status 1 when a figure failed."""
import sys

from ._report import main

sys.exit(main())
