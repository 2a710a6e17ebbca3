"""rewardkit client for Python RL trainers: verl, TRL and anything else that can call a function.

Standard library only (urllib, json, threading): copy this one file next to your training script.
It calls a running ``rewardkit serve`` (POST /v1/score) and turns its results into what each trainer
expects. OpenRLHF needs no client: point ``--remote_rm_url`` at ``http://HOST:PORT/get_reward``.

Configuration (environment variables; a RewardkitClient can also be built with explicit arguments):

    REWARDKIT_URL               base URL of the server              (default http://127.0.0.1:8080)
    REWARDKIT_TOKEN             bearer token, if the server was started with one
    REWARDKIT_TIMEOUT           seconds per HTTP request            (default 180)
    REWARDKIT_RETRIES           retries on connection errors, 429 and 5xx  (default 5)
    REWARDKIT_BATCH_SIZE        rows per HTTP request               (default 256; a GRPO group is never split)
    REWARDKIT_PARALLEL          HTTP requests in flight per call    (default 4)
    REWARDKIT_REFERENCE_COLUMN  TRL: dataset column holding the reference
                                (default: the first of reference_answer, reference, ground_truth, solution, answer)

verl (``custom_reward_function.path=rewardkit_client.py``, ``custom_reward_function.name=compute_score``; verl's
default reward loop, ``reward_model.use_reward_loop=true``, calls the one-rollout form with its ``naive`` (default),
``dapo``, ``remote`` or ``rate_limited`` manager; the batch form needs the legacy ``reward_model.use_reward_loop=false
reward_model.reward_manager=batch``)::

    compute_score(data_source, solution_str, ground_truth, extra_info=None)          -> {"score": ..., ...}
    compute_score(data_sources=[...], solution_strs=[...], ground_truths=[...], extra_infos=[...])  -> [{...}, ...]

TRL (``GRPOTrainer(reward_funcs=[reward_func], ...)``)::

    reward_func(prompts, completions, **kwargs) -> list[float | None]

Rows are sent in whole groups: the rows of one prompt (TRL's num_generations completions, a verl batch's rollouts
of one prompt; a row's ``group_id`` when it has one) go in the same request, so a spec with a group judge
(``type: group``) judges them side by side. A request holds at most REWARDKIT_BATCH_SIZE rows unless a single group
is larger; results come back in the rows' order.

Rows go to the server as chat rows ({id, messages, reference_answer, metadata}), so the spec's
``input.format`` must be ``auto`` (the default) or ``nova``. The reward of a row the server could not read is
None for TRL (not applicable) and the neutral value for verl, flagged ``row_error``. A failed judge gives what the
spec's ``aggregate.on_judge_error`` says: ``neutral`` (default) the neutral value for both, flagged ``judge_error``;
``null`` (no reward) None for TRL (which ignores it) and the neutral value for verl (it needs a float). When the server stays
unreachable after the retries, RewardkitError is raised: a training step should not go on with made-up rewards.
"""

from __future__ import annotations

import json
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence, Tuple

__all__ = ["RewardkitClient", "RewardkitError", "compute_score", "reward_func", "make_reward_func", "score_rows"]

#: Flags logged for every row (0.0 or 1.0) beside the score and the component scores.
LOGGED_FLAGS = ("neutral", "gated", "judge_error", "deadline_exceeded", "row_error")
#: Dataset columns TRL passes that are not row data.
_TRL_NON_DATA = {"completion_ids", "trainer_state", "log_extra", "log_metric"}
_REFERENCE_COLUMNS = ("reference_answer", "reference", "ground_truth", "solution", "answer")
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}


class RewardkitError(RuntimeError):
    """The server could not be reached, or refused the request (the message says why)."""


class RewardkitClient:
    """A small HTTP client for ``rewardkit serve``; thread-safe, no state but its configuration."""

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: Optional[float] = None,
        retries: Optional[int] = None,
        batch_size: Optional[int] = None,
        parallel: Optional[int] = None,
    ) -> None:
        raw_url = url or os.environ.get("REWARDKIT_URL") or "http://127.0.0.1:8080"
        parts = urllib.parse.urlsplit(raw_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RewardkitError(f"REWARDKIT_URL: expected an http(s) URL such as http://127.0.0.1:8080, got {raw_url!r}")
        # credentials in the URL (http://user:TOKEN@host) are sent as the token, never logged
        self.token = token or os.environ.get("REWARDKIT_TOKEN") or (urllib.parse.unquote(parts.password) if parts.password else None)
        netloc = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        if ":" in (parts.hostname or "") and not netloc.startswith("["):
            netloc = f"[{parts.hostname}]" + ("" if parts.port is None else f":{parts.port}")
        self.url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.timeout = float(timeout if timeout is not None else _env_number("REWARDKIT_TIMEOUT", 180.0))
        self.retries = int(retries if retries is not None else _env_number("REWARDKIT_RETRIES", 5))
        self.batch_size = max(1, int(batch_size if batch_size is not None else _env_number("REWARDKIT_BATCH_SIZE", 256)))
        self.parallel = max(1, int(parallel if parallel is not None else _env_number("REWARDKIT_PARALLEL", 4)))

    def __repr__(self) -> str:  # never shows the token
        return f"RewardkitClient(url={self.url!r}, token={'set' if self.token else 'unset'}, timeout={self.timeout})"

    def score(self, rows: Sequence[Dict[str, Any]]) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
        """Scores rows in requests of whole groups (a few in parallel); returns (results in row order, spec info)."""
        if not rows:
            return [], {}
        chunks = _group_chunks(rows, self.batch_size)
        with ThreadPoolExecutor(max_workers=min(self.parallel, len(chunks))) as pool:
            replies = list(pool.map(lambda chunk: self.post("/v1/score", {"rows": [rows[index] for index in chunk], "components": False}), chunks))
        results: List[Any] = [None] * len(rows)
        for chunk, reply in zip(chunks, replies):
            got = reply.get("results")
            if not isinstance(got, list) or len(got) != len(chunk):
                raise RewardkitError(f"/v1/score: expected {len(chunk)} results, got {json.dumps(reply)[:200]}")
            for index, result in zip(chunk, got):
                results[index] = result
        return results, replies[-1].get("spec") or {}

    def post(self, path: str, payload: Any) -> Dict[str, Any]:
        """POSTs JSON; retries connection errors, timeouts, 408/429/5xx with exponential backoff and jitter."""
        body = json.dumps(payload).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        last_problem = ""
        for attempt in range(self.retries + 1):
            retry_after: Optional[float] = None
            request = urllib.request.Request(self.url + path, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return json.loads(response.read().decode("utf-8"))
            except urllib.error.HTTPError as error:
                message = _error_message(error)
                if error.code not in _RETRY_STATUS:
                    raise RewardkitError(f"POST {self.url}{path}: HTTP {error.code}: {message}") from None
                last_problem = f"HTTP {error.code}: {message}"
                retry_after = _seconds(error.headers.get("Retry-After"))
            except (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError) as error:
                reason = getattr(error, "reason", error)
                last_problem = f"{type(reason).__name__}: {reason}"
            if attempt < self.retries:
                delay = retry_after if retry_after is not None else min(30.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2)
                time.sleep(delay)
        raise RewardkitError(
            f"POST {self.url}{path}: no answer after {self.retries + 1} attempts ({last_problem}); "
            "is `rewardkit serve` running, and REWARDKIT_URL / REWARDKIT_TOKEN right?"
        )


_default_client: Optional[RewardkitClient] = None


def default_client() -> RewardkitClient:
    """The client configured from the environment (built on first use)."""
    global _default_client
    if _default_client is None:
        _default_client = RewardkitClient()
    return _default_client


def score_rows(rows: Sequence[Dict[str, Any]], client: Optional[RewardkitClient] = None) -> List[Dict[str, Any]]:
    """Scores rows of any kind the server reads (chat rows or plain rows); returns the full results."""
    return (client or default_client()).score(rows)[0]


# ---------------------------------------------------------------- verl


def compute_score(
    data_source: Any = None,
    solution_str: Optional[str] = None,
    ground_truth: Any = None,
    extra_info: Optional[Dict[str, Any]] = None,
    *,
    data_sources: Optional[Sequence[Any]] = None,
    solution_strs: Optional[Sequence[str]] = None,
    ground_truths: Optional[Sequence[Any]] = None,
    extra_infos: Optional[Sequence[Optional[Dict[str, Any]]]] = None,
    client: Optional[RewardkitClient] = None,
    **kwargs: Any,
) -> Any:
    """verl's reward function. One rollout → a dict; the batch form (``solution_strs=[...]``) → a list of dicts.

    Each dict holds ``score`` (the reward; the neutral value for an unreadable row) and, for logging, every
    component of the spec (0.0 when it did not score for the row — the flags say why) and the flags
    neutral, gated, judge_error, deadline_exceeded and row_error (0.0 / 1.0): the same keys for every row.
    The prompt is read from ``extra_info["prompt"]`` (text or chat messages) or ``extra_info["question"]``.
    """
    if solution_strs is not None:
        count = len(solution_strs)
        rows = [
            _verl_row(
                index,
                _at(data_sources, index),
                solution_strs[index],
                _at(ground_truths, index),
                _at(extra_infos, index),
            )
            for index in range(count)
        ]
        return _verl_results(rows, client)
    if solution_str is None:
        raise TypeError("compute_score: expected solution_str (one rollout) or solution_strs=[...] (a batch)")
    return _verl_results([_verl_row(0, data_source, solution_str, ground_truth, extra_info)], client)[0]


def _verl_row(index: int, data_source: Any, solution: str, ground_truth: Any, extra_info: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    info = dict(extra_info or {})
    prompt = _plain(info.get("prompt", info.get("question")))
    messages = _prompt_messages(prompt)
    messages.append({"role": "assistant", "content": solution if isinstance(solution, str) else str(solution)})
    metadata = {key: _plain(value) for key, value in info.items() if key != "prompt" and _jsonable(_plain(value))}
    if data_source is not None:
        metadata["data_source"] = _plain(data_source)
    row: Dict[str, Any] = {"id": f"verl-{index}", "messages": messages, "metadata": metadata}
    if ground_truth is not None:
        reference = _plain(ground_truth)
        row["reference_answer"] = reference if _jsonable(reference) else str(reference)
    return row


def _verl_results(rows: List[Dict[str, Any]], client: Optional[RewardkitClient]) -> List[Dict[str, float]]:
    results, spec = (client or default_client()).score(rows)
    neutral = float(spec.get("neutral", 0.5))
    components = [name for name in spec.get("components", [])]
    return [_logged(result, components, neutral) for result in results]


def _logged(result: Dict[str, Any], components: Sequence[str], neutral: float) -> Dict[str, float]:
    reward = result.get("reward")
    flags = set(result.get("flags") or [])
    metrics = result.get("metrics") or {}
    logged: Dict[str, float] = {"score": float(reward) if isinstance(reward, (int, float)) else neutral}
    for name in components:
        key = "score_component" if name == "score" else name
        value = metrics.get(name)
        logged[key] = float(value) if isinstance(value, (int, float)) else 0.0
    # reward None: a row the server could not read, or a failed judge under on_judge_error: null (no reward);
    # either way verl gets the neutral value, so "neutral" is on, and "row_error" only for an unreadable row
    no_reward = reward is None
    unreadable = no_reward and "judge_error" not in flags
    for flag in LOGGED_FLAGS:
        on = flag in flags or (flag == "neutral" and (bool(result.get("neutral")) or no_reward)) or (flag == "row_error" and unreadable)
        logged[flag if flag not in logged else f"rewardkit_{flag}"] = 1.0 if on else 0.0
    return logged


# ---------------------------------------------------------------- TRL


def make_reward_func(reference_column: Optional[str] = None, client: Optional[RewardkitClient] = None):
    """A TRL reward function bound to a reference column and a client (defaults: env and the usual names)."""

    def rewardkit_reward(prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Any = None, **kwargs: Any) -> List[Optional[float]]:
        column = reference_column or os.environ.get("REWARDKIT_REFERENCE_COLUMN") or next((name for name in _REFERENCE_COLUMNS if name in kwargs), None)
        count = len(completions)
        extras = {
            key: value
            for key, value in kwargs.items()
            if key not in _TRL_NON_DATA and key != column and isinstance(value, (list, tuple)) and len(value) == count
        }
        rows = []
        for index in range(count):
            messages = _prompt_messages(_plain(prompts[index]) if index < len(prompts) else None)
            messages.extend(_completion_turns(completions[index]))
            row: Dict[str, Any] = {
                "id": f"trl-{index}",
                "messages": messages,
                "metadata": {key: _plain(values[index]) for key, values in extras.items() if _jsonable(_plain(values[index]))},
            }
            if column and column in kwargs and kwargs[column] is not None:
                reference = _plain(kwargs[column][index])
                if reference is not None:
                    row["reference_answer"] = reference if _jsonable(reference) else str(reference)
            rows.append(row)
        results = (client or default_client()).score(rows)[0]
        return [float(result["reward"]) if isinstance(result.get("reward"), (int, float)) else None for result in results]

    rewardkit_reward.__name__ = "rewardkit"
    return rewardkit_reward


def reward_func(prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Any = None, **kwargs: Any) -> List[Optional[float]]:
    """TRL GRPOTrainer reward function: one float per completion (None when the row could not be read, or its judge
    failed under the spec's ``on_judge_error: null``).

    Prompts and completions may be plain text or conversational (lists of {"role", "content"} messages);
    a tool-calling completion is sent as its turns and judged by its final answer (see _completion_turns);
    the reference comes from the dataset column REWARDKIT_REFERENCE_COLUMN (or a usual name), other
    dataset columns go to the row's metadata.
    """
    return make_reward_func()(prompts, completions, completion_ids, **kwargs)


# ---------------------------------------------------------------- helpers


def _group_chunks(rows: Sequence[Any], batch_size: int) -> List[List[int]]:
    """Row indexes per request: whole groups, in order of first appearance, at most batch_size rows a request
    unless one group alone is larger (it then goes alone). A group's rows keep their order."""
    groups: Dict[str, List[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(_group_key(row, index), []).append(index)
    chunks: List[List[int]] = []
    current: List[int] = []
    for members in groups.values():
        if current and len(current) + len(members) > batch_size:
            chunks.append(current)
            current = []
        current.extend(members)
    if current:
        chunks.append(current)
    return chunks


def _group_key(row: Any, index: int) -> str:
    """What the server groups rows by, as far as a client can tell: ``group_id`` (at the root or in metadata), else
    the prompt — the chat turns up to the last user turn (a rollout's tool turns come after it) or the plain row's
    system and prompt. A row with none of these is a group of its own."""
    if not isinstance(row, dict):
        return f"row:{index}"
    metadata = row.get("metadata")
    group_id = row.get("group_id", metadata.get("group_id") if isinstance(metadata, dict) else None)
    if group_id is not None:
        return "group_id:" + json.dumps(group_id, sort_keys=True, default=str)
    messages = row.get("messages")
    if isinstance(messages, list) and messages:
        users = [position for position, message in enumerate(messages) if isinstance(message, dict) and str(message.get("role", "")).lower() == "user"]
        prompt = messages[: users[-1] + 1] if users else messages[:-1]
        return "messages:" + json.dumps(prompt, sort_keys=True, default=str)
    if row.get("prompt") is not None:
        return "prompt:" + json.dumps([row.get("system"), row.get("prompt")], sort_keys=True, default=str)
    return f"row:{index}"


def _prompt_messages(prompt: Any) -> List[Dict[str, Any]]:
    """A prompt as chat messages: text → one user message; a message list → its messages."""
    if prompt is None:
        return []
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    if isinstance(prompt, (list, tuple)) and all(isinstance(message, dict) and "role" in message for message in prompt):
        return [{"role": message["role"], "content": message.get("content", "")} for message in prompt]
    return [{"role": "user", "content": str(prompt)}]


def _completion_turns(completion: Any) -> List[Dict[str, Any]]:
    """A completion as the chat turns appended after the prompt.

    A tool-calling completion (TRL: assistant with ``tool_calls`` → ``tool`` → … → assistant) is sent turn by turn:
    the server judges the final assistant turn and shows the calls and results to judges as labelled context (checks
    see only the final answer). A completion that ends on a tool turn (cut off by max_completion_length) gets an
    empty final answer. Any other completion is one assistant message, as before.
    """
    if isinstance(completion, (list, tuple)) and any(_is_tool_turn(turn) for turn in completion):
        turns = [_chat_turn(turn) for turn in completion]
        if turns[-1]["role"] != "assistant":
            turns.append({"role": "assistant", "content": ""})
        return turns
    return [{"role": "assistant", "content": _completion_text(completion)}]


def _is_tool_turn(turn: Any) -> bool:
    return isinstance(turn, dict) and (turn.get("role") == "tool" or bool(turn.get("tool_calls")))


def _chat_turn(turn: Any) -> Dict[str, Any]:
    """One completion turn as a JSON chat message: role, content (text or text parts), tool_calls, name, tool_call_id."""
    if not isinstance(turn, dict):
        return {"role": "assistant", "content": _completion_text(turn)}
    content = _plain(turn.get("content"))
    message: Dict[str, Any] = {"role": str(turn.get("role") or "assistant"), "content": content if content is None or _jsonable(content) else str(content)}
    for key in ("tool_calls", "name", "tool_call_id"):
        value = _plain(turn.get(key))
        if value is not None:
            message[key] = value if _jsonable(value) else str(value)
    return message


def _completion_text(completion: Any) -> str:
    """A completion's text: a string, or the assistant message(s) of a conversational completion."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content", ""))
    if isinstance(completion, (list, tuple)):
        return "".join(_completion_text(message) for message in completion)
    return str(completion)


def _at(values: Optional[Sequence[Any]], index: int) -> Any:
    return values[index] if values is not None and index < len(values) else None


def _plain(value: Any) -> Any:
    """numpy arrays and scalars (as verl and datasets hand them over) → plain Python values; others unchanged."""
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return value
    if hasattr(value, "tolist") and callable(value.tolist):
        return value.tolist()
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise RewardkitError(f"{name}: expected a number, got {raw!r}") from None


def _seconds(value: Optional[str]) -> Optional[float]:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error_message(error: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(error.read().decode("utf-8"))
        return str(payload.get("error", {}).get("message", payload))
    except Exception:  # noqa: BLE001 - any unreadable error body
        return error.reason if isinstance(error.reason, str) else str(error.reason)
