# people: en messages.
