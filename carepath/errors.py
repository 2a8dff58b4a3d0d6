"""The one base of the errors a service function raises when it refuses a write.

Every service refuses the same way: it raises a ``ServiceError`` (a subclass named for the reason, ending in
``Error``) before anything is written, or inside its transaction so that nothing is. The message says why, in
words for the person who asked, and what to do instead where there is something to do; views and the API show
it, commands print it.
"""


class ServiceError(Exception):
    """A write a service function refused; nothing was written."""
