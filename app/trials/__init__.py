"""Testing a draft before it is live: a made-up case walked through it, with a clock moved on."""
