"""The children missing education register: kept up to date as the CME process moves, shown at /cme."""
