"""Each pathway's rules and effects: plain functions registered by name, which a form definition
or a diagram names. Below the feature services, above the workflow layer; never imports routes."""
