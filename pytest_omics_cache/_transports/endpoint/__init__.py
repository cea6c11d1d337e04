"""The loopback endpoint: an HTTP server on 127.0.0.1 (``server``) and how it reads and answers
each request (``exchange``, ``head``, ``reading``)."""
