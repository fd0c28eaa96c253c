"""The station's Qt user interface: widgets and the threads that adapt the core to them."""
