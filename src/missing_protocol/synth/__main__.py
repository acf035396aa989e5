"""`python -m missing_protocol.synth OUT.jsonl`: write the example year."""

from missing_protocol.synth.jsonl import main

main()
