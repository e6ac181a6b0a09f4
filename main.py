"""StationDesk (维权站点管理台) entry point: `python main.py` opens the app; subcommands work headless.

Kept tiny on purpose: the window must show fast, so nothing heavy is imported here.
"""

import multiprocessing
import sys

from stationdesk.cli.main import main

if __name__ == "__main__":
    # Batch reports run worker processes; a frozen (installed) app must let them start here.
    multiprocessing.freeze_support()
    sys.exit(main())
