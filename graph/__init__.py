"""alliance-kg build pipeline: clean -> anchor -> assemble -> validate -> reason -> publish."""
