"""Entry point of the bundled app (PyInstaller runs this file as a script)."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
