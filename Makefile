# Shortcuts for scripts/dev.sh (the README's two commands work without make).
.PHONY: run test bundle setup
run:
	bash scripts/dev.sh run
test:
	bash scripts/dev.sh test
bundle:
	bash scripts/dev.sh bundle
setup:
	bash scripts/dev.sh setup
