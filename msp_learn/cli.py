"""The msp-learn command line (placeholder until the subcommands land)."""
import sys


def main(argv=None) -> int:
    print("msp-learn: no subcommands yet", file=sys.stderr)
    return 2
