"""What the searchable lists (cases, process instances) share: reading filters from a query
string, the teams and people a user may filter by, CSV downloads and saved views."""
