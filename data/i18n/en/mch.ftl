# mch: en messages.
