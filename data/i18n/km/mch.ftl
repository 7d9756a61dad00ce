# mch: km messages.
