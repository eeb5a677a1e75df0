"""LiveHost's REST API: routers by responsibility (rooms, content, control, questions), the
request and response bodies, the error mapping, and the logic behind the routes as plain
functions over the store and AWS clients. ``functions/api/app.py`` is the Lambda handler."""
