# care: en messages.
