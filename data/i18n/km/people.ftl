# people: km messages.
