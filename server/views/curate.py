"""The review page (`alliance-kg serve --curate`): proposed claims highlighted in their document,
with accept / reject / edit buttons that write the same YAML as `alliance-kg accept / reject`.

It is the project's only write path, so it is guarded:
- registered only when --curate is given, and it answers only requests from the loopback interface;
- each browser session gets a random token (kept on the server, sent in the page) that every POST
  must carry, beside the session cookie (SameSite=Strict, HttpOnly): a page on another origin can
  make a browser send a request but cannot read the token, so it cannot accept or write anything;
  a POST whose Origin header names another origin is refused as well;
- the page carries a fingerprint of the files it was built from; a write is refused (409) when any
  of them changed on disk since the page was loaded;
- files are written atomically (alliance_kg.graph.ingest.yamlio).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from alliance_kg.graph.anchor import occurrences
from alliance_kg.graph.clean import line_offsets
from alliance_kg.graph.corpus import Corpus
from alliance_kg.graph.curation import CurationError, load_documents
from alliance_kg.graph.ingest import review
from alliance_kg.graph.ingest.commands import review_paths

bp = Blueprint("curate", __name__, url_prefix="/curate")
COOKIE = "alliance_kg_curate"
EXTENSION = "alliance_kg_curate"


class Curation:
    """The corpus under review and the tokens of the browser sessions that loaded a page."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def token_for(self, session: str | None) -> tuple[str, str]:
        with self._lock:
            if session is None or session not in self._tokens:
                session = secrets.token_urlsafe(32)
                self._tokens[session] = secrets.token_urlsafe(32)
            return session, self._tokens[session]

    def check(self, session: str | None, token: str | None) -> bool:
        with self._lock:
            expected = self._tokens.get(session or "")
        return bool(expected and token and hmac.compare_digest(expected, token))


def register(app, corpus: Corpus) -> None:
    app.extensions[EXTENSION] = Curation(corpus)
    app.register_blueprint(bp)


def _curation() -> Curation:
    return current_app.extensions[EXTENSION]


@bp.before_request
def loopback_only():
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        local = False
    if not local:
        abort(403, description="the review page answers only on the loopback interface")
    if request.method == "POST":
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            abort(403, description="cross-origin request refused")
        if origin == "null":
            abort(403, description="cross-origin request refused")
        if not _curation().check(request.cookies.get(COOKIE), request.form.get("token")):
            abort(403, description="missing or wrong review token: reload the review page")


def _digest(paths) -> str:
    prints = review.fingerprint(paths)
    return hashlib.sha256("\n".join(f"{p}={prints[p]}" for p in sorted(prints)).encode()).hexdigest()


def _page(template: str, **values):
    curation = _curation()
    session, token = curation.token_for(request.cookies.get(COOKIE))
    response = current_app.make_response(render_template(template, token=token, **values))
    response.set_cookie(COOKIE, session, httponly=True, samesite="Strict", path="/curate")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.get("/")
def index():
    corpus = _curation().corpus
    # proposed/ also holds other drafts (wikidata-links.yaml from `alliance-kg link`): only documents' claims here.
    documents = {d.id for d in load_documents(corpus.documents_file)}
    pending = sorted(p.stem for p in corpus.proposed_dir.glob("*.yaml") if p.stem in documents) \
        if corpus.proposed_dir.is_dir() else []
    return _page("curate_index.html", pending=pending)


def _highlighted(text: str, claims, junk) -> Markup:
    """The document with each proposed quote marked in place and the web junk set apart."""
    starts = line_offsets(text)
    spans = []
    for j in junk:
        end = starts[j.last_line] - 1 if j.last_line < len(starts) else len(text)
        spans.append((starts[j.first_line - 1], end, ("junk", j.kind)))
    for c in claims:
        for ev in c.get("evidence") or []:
            found = occurrences(text, str(ev.get("quote", "")))
            index = int(ev.get("occurrence") or 1) - 1
            if 0 <= index < len(found):
                spans.append((found[index], found[index] + len(ev["quote"]), str(c.get("id"))))
    spans.sort(key=lambda s: (s[0], s[1]))
    out, at = [], 0
    for start, end, cid in spans:
        if start < at:
            continue
        out.append(escape(text[at:start]))
        if isinstance(cid, tuple):
            out.append(Markup('<span class="junk" data-kind="{0}" title="junk: {0}">{1}</span>').format(cid[1], text[start:end]))
        else:
            out.append(Markup('<mark id="q-{0}"><a href="#c-{0}">').format(cid))
            out.append(escape(text[start:end]))
            out.append(Markup("</a></mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


@bp.get("/<doc_id>")
def document(doc_id: str):
    corpus = _curation().corpus
    paths = review_paths(corpus)
    try:
        proposal = review.load_proposal(paths, doc_id)
        record = {d.id: d for d in load_documents(corpus.documents_file)}.get(doc_id)
    except (review.ReviewError, CurationError) as e:
        abort(404, description=str(e))
    if record is None:
        abort(404, description=f"no document {doc_id!r}")
    text = (corpus.documents_dir / record.file).read_text(encoding="utf-8")
    claims = list(proposal["claims"])
    return _page("curate.html", doc_id=doc_id, title=record.title, claims=claims,
                 actors=proposal.get("actors") or [], text=_highlighted(text, claims, record.junk),
                 fingerprint=_digest(paths.involved(doc_id)))


@bp.post("/<doc_id>")
def decide(doc_id: str):
    paths = review_paths(_curation().corpus)
    involved = paths.involved(doc_id)
    if request.form.get("fingerprint") != _digest(involved):
        abort(409, description="the proposal or the curated files changed on disk since this page was loaded; "
                               "reload the page and decide again")
    expected = review.fingerprint(involved)
    action, claim = request.form.get("action"), request.form.get("claim", "")
    try:
        if action == "accept":
            review.accept(paths, doc_id, [claim], expected=expected)
        elif action == "reject":
            review.reject(paths, doc_id, [claim], expected=expected)
        elif action == "edit":
            changes: dict = {k: request.form.get(k, "").strip() for k in ("subject", "relation", "object", "hedge")}
            changes["polarity"] = "negated" if request.form.get("polarity") == "negated" else ""
            start, end = request.form.get("start", "").strip(), request.form.get("end", "").strip()
            if start or end:
                if not all(v.isdigit() for v in (start, end) if v):
                    abort(400, description="time start and end must be years")
                changes["time"] = {k: int(v) for k, v in (("start", start), ("end", end)) if v}
            else:
                changes["time"] = None
            for key in ("subject", "relation", "object"):
                if not changes[key]:
                    abort(400, description=f"{key} must not be empty")
            review.edit(paths, doc_id, claim, changes, expected=expected)
        else:
            abort(400, description="action must be accept, reject or edit")
    except review.StaleError as e:
        abort(409, description=str(e))
    except review.ReviewError as e:
        abort(400, description=str(e))
    if paths.proposal(doc_id).exists():
        return redirect(url_for("curate.document", doc_id=doc_id), code=303)
    return redirect(url_for("curate.index"), code=303)
