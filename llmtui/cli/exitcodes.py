"""Documented exit codes of every llmtui command."""

OK = 0  # success
NO_RESULT = 1  # a valid question with an empty answer: nothing fits, nothing matches
USAGE = 2  # bad flags or input: unknown model, GPU or quant, malformed file
DETECTION = 3  # hardware detection failed and there was nothing else to go on
REMOTE = 4  # a remote machine (ssh) or the Hugging Face Hub could not be reached or read
