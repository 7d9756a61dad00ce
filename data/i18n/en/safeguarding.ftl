# safeguarding: en messages.
