"""Tools for developers that read the package's own source (import graph, regex-speed sweep inputs)."""
