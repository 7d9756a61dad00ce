# growth: en messages.
