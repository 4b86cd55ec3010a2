"""What the tests of the admin send and read back, as a browser would."""


def post_data(*forms) -> dict:
    """What a browser would send back for these bound or unbound forms."""
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]
