"""Task forms as data: form-js definitions (definitions.py), the conditions they write
(conditions.py), and the one builder that makes GOV.UK WTForms forms from them (builder.py)."""
