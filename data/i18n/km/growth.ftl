# growth: km messages.
