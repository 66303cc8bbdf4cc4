# The two commands (see README.md). Everything else lives in scripts/.
.PHONY: run test
ARGS ?=

run:
	scripts/run.sh $(ARGS)

test:
	scripts/test.sh
