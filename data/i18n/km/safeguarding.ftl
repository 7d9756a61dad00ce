# safeguarding: km messages.
