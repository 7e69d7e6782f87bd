"""Charts from a declarative spec, validated against the result columns and drawn by our code
with Seaborn on a ``matplotlib.figure.Figure`` (no pyplot, no global state). Model-written code
is never executed: the model only fills in :class:`ChartSpec`.

Kinds: ``bar``, ``line``, ``scatter``, ``hist``, ``box``, ``heatmap``, ``area``; ``pie`` is drawn
as a sorted bar chart (easier to read). ``agg`` aggregates ``y`` per ``x`` (and ``hue``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import SynthTalkError

Kind = Literal["bar", "line", "scatter", "hist", "box", "heatmap", "area", "pie"]
Agg = Literal["sum", "mean", "avg", "count", "min", "max", "median", "none"]

MAX_POINTS = 5_000  # scatter / line points drawn (sampled deterministically beyond)
MAX_CATEGORIES = 50


class ChartError(SynthTalkError):
    """A chart spec that does not fit the data."""


class ChartSpec(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kind: Kind = Field(description="bar, line, scatter, hist, box, heatmap, area (pie is drawn as bar)")
    x: str | None = Field(None, description="column for the x axis (categories, dates or numbers)")
    y: str | None = Field(None, description="numeric column for the y axis")
    hue: str | None = Field(None, description="optional column that splits the data into colours")
    value: str | None = Field(None, description="heatmap only: numeric column for the cell colour")
    agg: Agg | None = Field(None, description="aggregate y per x (and hue): sum, mean, count, min, max, median")
    title: str | None = Field(None, max_length=200)
    sort: Literal["asc", "desc", "none"] | None = Field(None, description="sort bars by value")
    limit: int | None = Field(None, ge=1, le=MAX_CATEGORIES, description="keep the first N categories")
    bins: int | None = Field(None, ge=2, le=200, description="hist only: number of bins")

    @field_validator("x", "y", "hue", "value", "title", mode="before")
    @classmethod
    def _blank_none(cls, v):
        if isinstance(v, str) and not v.strip():
            return None
        return v


def json_schema() -> dict:
    """Parameters of the ``plot`` tool (OpenAI function schema)."""
    schema = ChartSpec.model_json_schema()
    props = schema["properties"]
    # flatten anyOf [T, null] for small models
    for p in props.values():
        if "anyOf" in p:
            types = [a for a in p.pop("anyOf") if a.get("type") != "null"]
            if types:
                p.update(types[0])
        p.pop("default", None)
        p.pop("title", None)
    return {"type": "object", "properties": props, "required": ["kind"]}


def _resolve(df: pd.DataFrame, name: str | None, role: str) -> str | None:
    if name is None:
        return None
    if name in df.columns:
        return name
    low = {str(c).lower(): c for c in df.columns}
    if name.lower() in low:
        return low[name.lower()]
    raise ChartError(f"chart {role} column {name!r} is not in the result (columns: "
                     f"{', '.join(map(str, df.columns))})")


def validate(spec: ChartSpec | dict, df: pd.DataFrame) -> ChartSpec:
    """Check the spec against the result's columns; returns a spec with exact column names."""
    if isinstance(spec, dict):
        spec = ChartSpec.model_validate(spec)
    if df is None or len(df.columns) == 0:
        raise ChartError("there is no query result to chart: run a query first")
    if len(df) == 0:
        raise ChartError("the query returned no rows: nothing to chart")
    s = spec.model_copy()
    s.x, s.y, s.hue, s.value = (_resolve(df, s.x, "x"), _resolve(df, s.y, "y"), _resolve(df, s.hue, "hue"),
                                _resolve(df, s.value, "value"))
    kind = s.kind
    if kind == "pie":
        kind = s.kind = "bar"
        s.sort = s.sort or "desc"
    if kind == "hist":
        if s.x is None and s.y is None:
            raise ChartError("a histogram needs x: the numeric column to bin")
        col = s.x or s.y
        if not pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_datetime64_any_dtype(df[col]):
            raise ChartError(f"a histogram needs a numeric column; {col!r} is {df[col].dtype}")
    elif kind == "heatmap":
        if not (s.x and s.y):
            raise ChartError("a heatmap needs x and y (categories) and value (numeric) or agg='count'")
        if s.value is None and (s.agg or "count") != "count":
            raise ChartError("a heatmap needs value: the numeric column for the cell colour")
    else:
        if s.x is None:
            raise ChartError(f"a {kind} chart needs x")
        if s.y is None and s.agg != "count" and kind != "box":
            raise ChartError(f"a {kind} chart needs y (numeric), or agg='count' to count rows per x")
        if s.y is not None and s.agg != "count" and not pd.api.types.is_numeric_dtype(df[s.y]):
            raise ChartError(f"y column {s.y!r} must be numeric for a {kind} chart (it is {df[s.y].dtype})")
    return s


def _aggregate(df: pd.DataFrame, s: ChartSpec) -> tuple[pd.DataFrame, str]:
    agg = {"avg": "mean"}.get(s.agg or "none", s.agg or "none")
    keys = [c for c in (s.x, s.hue) if c]
    if agg == "count":
        out = df.groupby(keys, dropna=False, observed=True).size().reset_index(name="count")
        return out, "count"
    if agg != "none" and s.y:
        out = df.groupby(keys, dropna=False, observed=True)[s.y].agg(agg).reset_index()
        return out, s.y
    return df, s.y


def _as_labels(col: pd.Series) -> pd.Series:
    """Categories as short text: dates without 00:00:00, months as YYYY-MM."""
    if pd.api.types.is_datetime64_any_dtype(col):
        d = pd.to_datetime(col)
        if (d.dt.normalize() == d).all():
            return d.dt.strftime("%Y-%m" if (d.dt.day == 1).all() else "%Y-%m-%d")
        return d.dt.strftime("%Y-%m-%d %H:%M")
    if pd.api.types.is_float_dtype(col):
        return col.map(lambda v: f"{v:,.6g}")
    return col.astype(str)


def _thousands(ax, axis: str) -> None:
    from matplotlib.ticker import FuncFormatter

    def fmt(v, _pos):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def draw(spec: ChartSpec | dict, df: pd.DataFrame):
    """Validate and draw; returns a ``matplotlib.figure.Figure`` (never touches pyplot)."""
    import seaborn as sns
    from matplotlib.figure import Figure

    s = validate(spec, df)
    data = df.copy()
    fig = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(True, axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    palette = "deep"
    kind = s.kind
    y = s.y
    if kind in ("bar", "line", "area", "box") or (kind == "scatter" and s.agg):
        if kind != "box":
            data, y = _aggregate(data, s)
    if kind == "bar":
        if s.sort in ("asc", "desc") and not s.hue:
            data = data.sort_values(y, ascending=s.sort == "asc")
        if s.limit:
            if s.hue:
                top = data.groupby(s.x, observed=True)[y].sum().sort_values(ascending=False).index[: s.limit]
                data = data[data[s.x].isin(top)]
            else:
                data = data.head(s.limit)
        elif data[s.x].nunique() > MAX_CATEGORIES:
            top = data.groupby(s.x, observed=True)[y].sum().sort_values(ascending=False).index[:MAX_CATEGORIES]
            data = data[data[s.x].isin(top)]
        xs = _as_labels(data[s.x])
        data = data.assign(**{s.x: xs})
        horizontal = xs.str.len().max() > 12 and xs.nunique() > 6
        if horizontal:
            sns.barplot(data=data, y=s.x, x=y, hue=s.hue, ax=ax, palette=palette if s.hue else None,
                        color=None if s.hue else sns.color_palette(palette)[0], orient="h", errorbar=None)
            _thousands(ax, "x")
            ax.grid(True, axis="x", alpha=0.3)
        else:
            sns.barplot(data=data, x=s.x, y=y, hue=s.hue, ax=ax, palette=palette if s.hue else None,
                        color=None if s.hue else sns.color_palette(palette)[0], errorbar=None)
            _thousands(ax, "y")
    elif kind in ("line", "area"):
        if len(data) > MAX_POINTS:
            data = data.iloc[np.linspace(0, len(data) - 1, MAX_POINTS).astype(int)]
        data = data.sort_values(s.x)
        sns.lineplot(data=data, x=s.x, y=y, hue=s.hue, ax=ax, marker="o" if len(data) <= 40 else None,
                     palette=palette if s.hue else None, errorbar=None)
        if kind == "area" and not s.hue:
            ax.fill_between(data[s.x], data[y], alpha=0.25)
        _thousands(ax, "y")
    elif kind == "scatter":
        if len(data) > MAX_POINTS:
            data = data.sample(MAX_POINTS, random_state=0)
        sns.scatterplot(data=data, x=s.x, y=y, hue=s.hue, ax=ax, palette=palette if s.hue else None,
                        alpha=0.7 if len(data) > 200 else 0.9, s=18 if len(data) > 500 else 40)
        _thousands(ax, "y")
    elif kind == "hist":
        col = s.x or s.y
        sns.histplot(data=data, x=col, hue=s.hue, bins=s.bins or "auto", ax=ax,
                     palette=palette if s.hue else None)
        _thousands(ax, "y")
    elif kind == "box":
        if s.y is None:
            sns.boxplot(data=data, x=s.x, ax=ax)
        else:
            if data[s.x].nunique() > MAX_CATEGORIES:
                top = data[s.x].value_counts().index[:MAX_CATEGORIES]
                data = data[data[s.x].isin(top)]
            sns.boxplot(data=data, x=s.x, y=s.y, hue=s.hue, ax=ax, palette=palette if s.hue else None)
            _thousands(ax, "y")
    elif kind == "heatmap":
        data = data.assign(**{s.x: _as_labels(data[s.x]), s.y: _as_labels(data[s.y])})
        if s.value is None:
            pivot = data.groupby([s.y, s.x], observed=True).size().unstack(s.x)
        else:
            agg = {"avg": "mean", None: "sum", "none": "sum"}.get(s.agg, s.agg)
            pivot = data.pivot_table(index=s.y, columns=s.x, values=s.value, aggfunc=agg, observed=True)
        pivot = pivot.iloc[:MAX_CATEGORIES, :MAX_CATEGORIES]
        annot = pivot.size <= 120
        sns.heatmap(pivot, ax=ax, cmap="Blues", annot=annot, fmt=",.0f" if annot else "", linewidths=0.5,
                    cbar_kws={"format": "{x:,.0f}"})
        ax.grid(False)
        ax.tick_params(axis="y", rotation=0)
    # labels
    ax.set_title(s.title or _default_title(s, y), fontsize=13, pad=10)
    ax.title.set_fontweight("bold")
    ax.xaxis.label.set_size(11)
    ax.yaxis.label.set_size(11)
    ax.tick_params(labelsize=10)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    if kind not in ("hist",) and labels and (max(map(len, labels)) > 6 and len(labels) > 5 or len(labels) > 12):
        for t in ax.get_xticklabels():
            t.set_rotation(35)
            t.set_horizontalalignment("right")
    if ax.get_legend() is not None and s.hue:
        ax.legend(title=s.hue, fontsize=9, title_fontsize=10, frameon=False)
    fig.synthtalk_spec = s.model_dump()  # type: ignore[attr-defined]
    return fig


def _default_title(s: ChartSpec, y: str | None) -> str:
    agg = {"avg": "mean"}.get(s.agg or "", s.agg or "")
    what = "count" if agg == "count" else (f"{agg} of {y}" if agg and agg != "none" and y else (y or s.x or ""))
    if s.kind == "hist":
        return f"Distribution of {s.x or s.y}"
    if s.kind == "heatmap":
        return f"{s.value or 'count'} by {s.y} and {s.x}"
    return f"{what} by {s.x}" + (f" and {s.hue}" if s.hue else "")
