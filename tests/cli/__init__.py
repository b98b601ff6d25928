"""What every command promises (dealerlab/cli.py, doctor.py, _io.py, _output.py): exit codes, nothing lost,
nothing overwritten, a killed run cleaned up."""
