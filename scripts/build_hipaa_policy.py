"""Kept for the command in older notes: writes every compliance pack (see build_policies.py)."""
from __future__ import annotations

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).resolve().parent / "build_policies.py"), run_name="__main__")
