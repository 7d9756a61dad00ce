# clinic: en messages.
