"""The ingestion path: register a new source document (`add`) and draft its claims (`propose`).

Nothing here publishes anything: `add` writes the document's curated entry (with its junk ranges),
`propose` writes a proposal file that a curator accepts or rejects; only accepted claims reach the
curated claim files and therefore the build.
"""
