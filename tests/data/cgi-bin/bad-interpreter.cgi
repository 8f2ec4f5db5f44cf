#!/nonexistent/interpreter
This cannot run: its interpreter does not exist.
