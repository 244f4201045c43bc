"""Charts as AppTest sees them: the plotly spec of each chart with its numbers readable."""
import base64
import json

import numpy as np


def decoded(node):
    """Plotly writes numeric arrays as {'dtype', 'bdata'} (base64): back to lists."""
    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            return np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"]).tolist()
        return {k: decoded(v) for k, v in node.items()}
    if isinstance(node, list):
        return [decoded(v) for v in node]
    return node


def specs(at) -> list:
    """Every chart of an AppTest run, decoded."""
    return [decoded(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]
