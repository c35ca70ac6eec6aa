#!/usr/bin/env python3
"""Writes the slawatch Grafana dashboards (classic JSON model) from the panel lists below.

Usage: generate.py [OUTPUT_DIR]   (default: the dashboards/ directory this script lives under)

The JSON files are committed; tests/cli/dashboards.sh regenerates them into a temporary
directory and fails if they differ, so edit this file and run it rather than the JSON.
Metric names and labels come from the list at the top of actors/metrics.hpp.
"""

import json
import os
import sys

SCHEMA_VERSION = 37  # Grafana 9.1+
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}

# SLA objectives: the same numbers as slawatch:sla_objective:ratio in recording.rules.yml.
FIRST_RESPONSE_OBJECTIVE = 0.95
RESOLUTION_OBJECTIVE = 0.90
CSAT_TARGET = 0.85

# Label filters of the template variables, per metric family (only the labels it has).
OUTCOME_FILTER = 'team=~"$team", priority=~"$priority", channel=~"$channel"'
PRIORITY_FILTER = 'priority=~"$priority"'
INSTANCE_FILTER = 'instance=~"$instance"'

NO_TEAM_NOTE = " The team and channel filters do not apply: the metric has no such labels."
NO_FILTER_NOTE = " The team, priority and channel filters do not apply: the metric has no such labels."


def datasource_variable():
    return {
        "name": "datasource",
        "label": "Prometheus",
        "type": "datasource",
        "query": "prometheus",
        "current": {},
        "hide": 0,
        "refresh": 1,
        "regex": "",
        "description": "The Prometheus that scrapes the slawatch daemons.",
    }


def query_variable(name, label, query, description):
    return {
        "name": name,
        "label": label,
        "type": "query",
        "datasource": DATASOURCE,
        "definition": query,
        "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "refresh": 2,  # on time range change: new teams show up without a reload
        "sort": 1,
        "hide": 0,
        "regex": "",
        "description": description,
    }


def window_variable():
    return {
        "name": "window",
        "label": "Rolling window",
        "type": "custom",
        "query": "1h,4h,24h,7d",
        "multi": False,
        "includeAll": False,
        "current": {"selected": True, "text": "24h", "value": "24h"},
        "options": [
            {"selected": v == "24h", "text": v, "value": v} for v in ["1h", "4h", "24h", "7d"]
        ],
        "hide": 0,
        "description": "Window of the rolling adherence ratios and quantiles in the graphs: "
        "SLA clocks stop a few times a minute at most, so short windows are noisy.",
    }


SLA_VARIABLES = [
    datasource_variable(),
    query_variable("team", "Team", "label_values(slawatch_sla_outcomes_total, team)",
                   "Teams of the cases (the `team` attribute; `none` when unset, `other` past "
                   "the label bound)."),
    query_variable("priority", "Priority", "label_values(slawatch_sla_outcomes_total, priority)",
                   "Priorities of the cases: P1..P4, `none` or `other`."),
    query_variable("channel", "Channel", "label_values(slawatch_sla_outcomes_total, channel)",
                   "Channels the cases came in by (phone, email, chat, social, portal)."),
]


def target(expr, legend="", ref="A", instant=False):
    t = {"datasource": DATASOURCE, "expr": expr, "refId": ref, "legendFormat": legend or "__auto"}
    if instant:
        t["instant"] = True
        t["range"] = False
    else:
        t["range"] = True
    return t


def thresholds(*steps):
    """steps: (value or None, colour) pairs, the first with None as the base."""
    return {"mode": "absolute", "steps": [{"color": c, "value": v} for v, c in steps]}


def panel(kind, title, description, unit, targets, width=8, height=8, min_=None, max_=None,
          steps=None, threshold_line=False, options=None, decimals=None):
    defaults = {"unit": unit}
    if min_ is not None:
        defaults["min"] = min_
    if max_ is not None:
        defaults["max"] = max_
    if decimals is not None:
        defaults["decimals"] = decimals
    defaults["thresholds"] = steps or thresholds((None, "green"))
    if kind == "timeseries":
        defaults["custom"] = {
            "drawStyle": "line",
            "lineWidth": 1,
            "fillOpacity": 10,
            "showPoints": "never",
            "spanNulls": True,
            "thresholdsStyle": {"mode": "line" if threshold_line else "off"},
        }
    p = {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options or default_options(kind),
        "targets": targets,
        "_size": (width, height),
    }
    return p


def default_options(kind):
    if kind == "timeseries":
        return {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                "tooltip": {"mode": "multi", "sort": "desc"}}
    if kind == "stat":
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "colorMode": "value", "graphMode": "none", "justifyMode": "auto",
                "orientation": "auto", "textMode": "auto"}
    if kind == "bargauge":
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True}
    if kind == "gauge":
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                "showThresholdMarkers": True, "showThresholdLabels": False}
    return {}


def ratio(numerator, denominator):
    return f"{numerator}\n  /\n{denominator}"


def adherence(metric, by, window):
    met = (f'sum{by}(increase(slawatch_sla_outcomes_total{{metric="{metric}", outcome="met", '
           f'{OUTCOME_FILTER}}}[{window}]))')
    total = (f'sum{by}(increase(slawatch_sla_outcomes_total{{metric="{metric}", '
             f'{OUTCOME_FILTER}}}[{window}]))')
    return ratio(met, total)


def histogram_quantile(q, metric, by, filt, window):
    selector = f"{metric}_bucket{{{filt}}}" if filt else f"{metric}_bucket"
    return (f"histogram_quantile({q}, sum by (le{', ' + by if by else ''}) "
            f"(rate({selector}[{window}])))")


def objective_steps(objective):
    return thresholds((None, "red"), (objective, "green"))


def sla_overview():
    fr_pct = f"{FIRST_RESPONSE_OBJECTIVE:.0%}"
    res_pct = f"{RESOLUTION_OBJECTIVE:.0%}"
    panels = [
        panel("stat", "First-response adherence",
              "Share of first-response clocks that stopped within their target in the time "
              f"range (met / (met + breached)). Green at or above the {fr_pct} objective.",
              "percentunit", [target(adherence("first_response", "", "$__range"), instant=True)],
              width=6, height=5, min_=0, max_=1, decimals=1,
              steps=objective_steps(FIRST_RESPONSE_OBJECTIVE)),
        panel("stat", "Resolution adherence",
              "Share of resolution clocks that stopped within their target in the time range. "
              f"Green at or above the {res_pct} objective.",
              "percentunit", [target(adherence("resolution", "", "$__range"), instant=True)],
              width=6, height=5, min_=0, max_=1, decimals=1,
              steps=objective_steps(RESOLUTION_OBJECTIVE)),
        panel("stat", "Open cases",
              "Cases open now (created and not closed), all statuses." + NO_TEAM_NOTE,
              "short", [target(f"sum(slawatch_open_cases{{{PRIORITY_FILTER}}})", instant=True)],
              width=6, height=5),
        panel("stat", "At-risk cases",
              "Open cases with a running SLA clock past a warning threshold or its due time, "
              "now." + NO_TEAM_NOTE,
              "short", [target(f"sum(slawatch_at_risk_cases{{{PRIORITY_FILTER}}})", instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "orange"))),
        panel("timeseries", "First-response adherence by priority",
              "Rolling first-response adherence over $window per priority; the line is the "
              f"{fr_pct} objective. Gaps: no first-response clock stopped in the window.",
              "percentunit",
              [target(adherence("first_response", " by (priority) ", "$window"), "{{priority}}")],
              width=12, min_=0, max_=1, steps=objective_steps(FIRST_RESPONSE_OBJECTIVE),
              threshold_line=True),
        panel("timeseries", "Resolution adherence by priority",
              "Rolling resolution adherence over $window per priority; the line is the "
              f"{res_pct} objective. Gaps: no resolution clock stopped in the window.",
              "percentunit",
              [target(adherence("resolution", " by (priority) ", "$window"), "{{priority}}")],
              width=12, min_=0, max_=1, steps=objective_steps(RESOLUTION_OBJECTIVE),
              threshold_line=True),
        panel("timeseries", "First response time: median and P95",
              "Counted seconds (business time for business-hours targets, pauses excluded) of "
              "the first-response clocks that stopped in the rolling $window, per priority; "
              "interpolated within the histogram buckets, which lie around the rules' targets."
              + NO_TEAM_NOTE,
              "s",
              [target(histogram_quantile(0.5, "slawatch_first_response_seconds", "priority",
                                         PRIORITY_FILTER, "$window"), "{{priority}} median", "A"),
               target(histogram_quantile(0.95, "slawatch_first_response_seconds", "priority",
                                         PRIORITY_FILTER, "$window"), "{{priority}} P95", "B")],
              width=12, min_=0),
        panel("timeseries", "Resolution time: median and P95",
              "Counted seconds (pauses excluded) of the resolution clocks that stopped in the "
              "rolling $window, per priority." + NO_TEAM_NOTE,
              "s",
              [target(histogram_quantile(0.5, "slawatch_resolution_seconds", "priority",
                                         PRIORITY_FILTER, "$window"), "{{priority}} median", "A"),
               target(histogram_quantile(0.95, "slawatch_resolution_seconds", "priority",
                                         PRIORITY_FILTER, "$window"), "{{priority}} P95", "B")],
              width=12, min_=0),
        panel("timeseries", "Open and at-risk cases by priority",
              "Cases open now per priority, and those with a running clock past a warning or "
              "its due time." + NO_TEAM_NOTE,
              "short",
              [target(f"sum by (priority) (slawatch_open_cases{{{PRIORITY_FILTER}}})",
                      "open {{priority}}", "A"),
               target(f"sum by (priority) (slawatch_at_risk_cases{{{PRIORITY_FILTER}}})",
                      "at risk {{priority}}", "B")],
              width=12, min_=0),
        panel("bargauge", "Breaches by team",
              "SLA clocks (all kinds: triage, first response, next reply, periodic update, "
              "resolution) that stopped breached in the time range, per team.",
              "short",
              [target("sort_desc(sum by (team) (increase(slawatch_sla_outcomes_total{"
                      f'outcome="breached", {OUTCOME_FILTER}}}[$__range])))', "{{team}}",
                      instant=True)],
              width=12, min_=0, steps=thresholds((None, "green"), (1, "orange"), (10, "red"))),
        panel("stat", "CSAT: share of 4 and 5",
              "Share of CSAT answers (1 to 5) in the time range that scored 4 or 5; green at "
              f"or above the {CSAT_TARGET:.0%} target." + NO_FILTER_NOTE,
              "percentunit",
              [target(ratio('sum(increase(slawatch_csat_responses_total{score=~"4|5"}[$__range]))',
                            "sum(increase(slawatch_csat_responses_total[$__range]))"),
                      instant=True)],
              width=6, height=5, min_=0, max_=1, decimals=1, steps=objective_steps(CSAT_TARGET)),
        panel("stat", "NPS",
              "Net promoter score of the answers in the time range: % promoters (9-10) minus "
              "% detractors (0-6), from -100 to 100." + NO_FILTER_NOTE,
              "none",
              [target("100 * (\n"
                      '  (sum(increase(slawatch_nps_responses_total{category="promoter"}[$__range])) or vector(0))\n'
                      '  - (sum(increase(slawatch_nps_responses_total{category="detractor"}[$__range])) or vector(0))\n'
                      ")\n  /\nsum(increase(slawatch_nps_responses_total[$__range]))",
                      instant=True)],
              width=6, height=5, min_=-100, max_=100, decimals=0,
              steps=thresholds((None, "red"), (0, "orange"), (30, "green"))),
        panel("stat", "First-contact resolution",
              "Share of the cases closed in the time range that were closed with at most one "
              "agent reply and never reopened." + NO_FILTER_NOTE,
              "percentunit",
              [target(ratio("sum(increase(slawatch_first_contact_resolutions_total[$__range]))",
                            'sum(increase(slawatch_ingest_events_total{type="case.closed", '
                            'result="applied"}[$__range]))'), instant=True)],
              width=6, height=5, min_=0, max_=1, decimals=1),
        panel("stat", "Reopen rate",
              "Reopen events per resolve event applied in the time range." + NO_FILTER_NOTE,
              "percentunit",
              [target(ratio("sum(increase(slawatch_reopens_total[$__range]))",
                            'sum(increase(slawatch_ingest_events_total{type="case.resolved", '
                            'result="applied"}[$__range]))'), instant=True)],
              width=6, height=5, min_=0, decimals=1,
              steps=thresholds((None, "green"), (0.1, "orange"), (0.2, "red"))),
    ]
    return dashboard("slawatch-sla-overview", "slawatch / SLA overview",
                     "Supervisors' view: SLA adherence against the objectives, response and "
                     "resolution times, open and at-risk cases, customer satisfaction.",
                     SLA_VARIABLES[:1] + [window_variable()] + SLA_VARIABLES[1:], panels)


def escalations():
    notif = f'kind="{{kind}}", {PRIORITY_FILTER}'
    panels = [
        panel("stat", "Breaches",
              "Breach notifications (an SLA clock passed its due time) emitted in the time "
              "range." + NO_TEAM_NOTE,
              "short",
              [target("sum(increase(slawatch_notifications_total{"
                      + notif.format(kind="breach") + "}[$__range]))", instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "red"))),
        panel("stat", "Escalations",
              "Escalation notifications (all levels) emitted in the time range." + NO_TEAM_NOTE,
              "short",
              [target("sum(increase(slawatch_notifications_total{"
                      + notif.format(kind="escalation") + "}[$__range]))", instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "orange"))),
        panel("stat", "At-risk cases now",
              "Open cases with a running clock past a warning threshold or its due time."
              + NO_TEAM_NOTE,
              "short", [target(f"sum(slawatch_at_risk_cases{{{PRIORITY_FILTER}}})", instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "orange"))),
        panel("stat", "Time from due to page (P95)",
              "95th percentile, over the time range, of the wall time from a notification's due "
              "time to the moment slawatch wrote it (the receiver's own delay not included)."
              + NO_FILTER_NOTE,
              "s",
              [target(histogram_quantile(0.95, "slawatch_notification_delay_seconds", "", "",
                                         "$__range"), instant=True)],
              width=6, height=5, min_=0,
              steps=thresholds((None, "green"), (30, "orange"), (120, "red"))),
        panel("timeseries", "Breaches by SLA metric and priority",
              "Breach notifications per minute, by SLA clock (first_response, resolution, ...) "
              "and priority." + NO_TEAM_NOTE,
              "short",
              [target("sum by (metric, priority) (rate(slawatch_notifications_total{"
                      + notif.format(kind="breach") + "}[$__rate_interval])) * 60",
                      "{{metric}} {{priority}}")],
              width=12, min_=0),
        panel("timeseries", "Escalations by level",
              "Escalation notifications per minute by escalation level (1 = first receivers, "
              "2 = the next, ...). slawatch's metrics carry no receiver label: the receivers "
              "of each level are in the rules file's `escalations:` section." + NO_TEAM_NOTE,
              "short",
              [target("sum by (level) (rate(slawatch_notifications_total{"
                      + notif.format(kind="escalation") + "}[$__rate_interval])) * 60",
                      "level {{level}}")],
              width=12, min_=0),
        panel("bargauge", "Escalations by level and priority",
              "Escalation notifications in the time range by level and priority. Receivers per "
              "level are set in the rules (`escalations:`); the metric has no receiver label."
              + NO_TEAM_NOTE,
              "short",
              [target("sort_desc(sum by (level, priority) (increase(slawatch_notifications_total{"
                      + notif.format(kind="escalation") + "}[$__range])))",
                      "level {{level}} {{priority}}", instant=True)],
              width=12, min_=0),
        panel("timeseries", "Warnings by threshold",
              "Warning notifications per minute by warning threshold (1 = the first `warn_at` "
              "entry, ...): cases about to breach." + NO_TEAM_NOTE,
              "short",
              [target("sum by (level) (rate(slawatch_notifications_total{"
                      + notif.format(kind="warning") + "}[$__rate_interval])) * 60",
                      "threshold {{level}}")],
              width=12, min_=0),
        panel("timeseries", "Time from due to page",
              "Median, P95 and P99 of the wall time from a notification's due time to the "
              "moment slawatch wrote it, per $__rate_interval. High values: slawatch is "
              "behind (see the health dashboard)." + NO_FILTER_NOTE,
              "s",
              [target(histogram_quantile(q, "slawatch_notification_delay_seconds", "", "",
                                         "$__rate_interval"), name, ref)
               for q, name, ref in [(0.5, "median", "A"), (0.95, "P95", "B"), (0.99, "P99", "C")]],
              width=12, min_=0),
        panel("bargauge", "Breached clocks by team and metric",
              "SLA clocks that stopped breached in the time range, by team and SLA metric.",
              "short",
              [target("sort_desc(sum by (team, metric) (increase(slawatch_sla_outcomes_total{"
                      f'outcome="breached", {OUTCOME_FILTER}}}[$__range])))',
                      "{{team}} {{metric}}", instant=True)],
              width=12, min_=0),
    ]
    return dashboard("slawatch-escalations", "slawatch / Escalations",
                     "On-call view: breaches, escalations by level, at-risk cases and how long "
                     "notifications take from their due time to being written.",
                     SLA_VARIABLES, panels)


def health():
    variables = [
        datasource_variable(),
        query_variable("instance", "Daemon", "label_values(slawatch_build_info, instance)",
                       "The slawatch daemons (scrape targets) to show."),
    ]
    f = INSTANCE_FILTER
    panels = [
        panel("stat", "Daemons up",
              "Scrape targets of the `slawatch` job that answered the last scrape (1 each).",
              "short", [target(f'sum(up{{job="slawatch", {f}}})', instant=True)],
              width=6, height=5, steps=thresholds((None, "red"), (1, "green"))),
        panel("stat", "Redis connected",
              "Connections up now (reader and writer per daemon); fewer than two per daemon "
              "means events are not read or records not written.",
              "short", [target(f"sum(slawatch_redis_connected{{{f}}})", instant=True)],
              width=6, height=5, steps=thresholds((None, "red"), (2, "green"))),
        panel("stat", "Rules versions in use",
              "Distinct rules versions (`version:` of the rules file or a hash of it) the "
              "daemons reported during the time range: more than one means a reload with "
              "changed rules. slawatch has no reload counter; a reload with unchanged rules "
              "does not show here.",
              "short",
              [target(f"count(count by (version) (max_over_time(slawatch_rules_info{{{f}}}[$__range])))",
                      instant=True)],
              width=6, height=5),
        panel("stat", "Dead letters",
              "Stream entries sent to the dead-letter stream in the time range (bad JSON, "
              "missing fields, bad timestamps, unknown types, ...).",
              "short",
              [target(f"sum(increase(slawatch_dead_letters_total{{{f}}}[$__range])) or vector(0)",
                      instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "orange"))),
        panel("timeseries", "Ingest rate by result",
              "Stream entries read per second: applied, duplicate (same event_id again) or "
              "dead_letter.",
              "ops",
              [target(f"sum by (result) (rate(slawatch_ingest_events_total{{{f}}}[$__rate_interval]))",
                      "{{result}}")],
              width=12, min_=0),
        panel("timeseries", "Ingest rate by event type",
              "Entries applied per second by event type.",
              "ops",
              [target("sum by (type) (rate(slawatch_ingest_events_total{result=\"applied\", "
                      f"{f}}}[$__rate_interval]))", "{{type}}")],
              width=12, min_=0),
        panel("timeseries", "Ingest lag",
              "Wall time of applying an event minus its `ts` (median, P95, P99): the source's "
              "own delay plus slawatch's. The SlawatchIngestLagHigh alert fires on a P95 "
              "above 60 s.",
              "s",
              [target(histogram_quantile(q, "slawatch_ingest_lag_seconds", "", f,
                                         "$__rate_interval"), name, ref)
               for q, name, ref in [(0.5, "median", "A"), (0.95, "P95", "B"), (0.99, "P99", "C")]],
              width=12, min_=0, steps=thresholds((None, "green"), (60, "red")), threshold_line=True),
        panel("timeseries", "Dead letters by reason",
              "Entries sent to the dead-letter stream per minute by reason.",
              "short",
              [target(f"sum by (reason) (rate(slawatch_dead_letters_total{{{f}}}[$__rate_interval])) * 60",
                      "{{reason}}")],
              width=12, min_=0),
        panel("timeseries", "Pending and in-flight entries",
              "Entries of the consumer group delivered and not yet acknowledged (XPENDING, per "
              "stream), and entries this daemon has read and not yet acknowledged.",
              "short",
              [target(f"sum by (stream) (slawatch_consumer_pending{{{f}}})", "pending {{stream}}", "A"),
               target(f"sum(slawatch_in_flight_events{{{f}}})", "in flight", "B")],
              width=12, min_=0),
        panel("timeseries", "Case actors",
              "Live case actors: open cases and closed ones still handling events.",
              "short", [target(f"sum by (instance) (slawatch_case_actors{{{f}}})", "{{instance}}")],
              width=12, min_=0),
        panel("timeseries", "Records written",
              "Entries written to the output streams per second, by record kind (outcome, "
              "notification, audit, dead_letter).",
              "ops",
              [target(f"sum by (record) (rate(slawatch_records_written_total{{{f}}}[$__rate_interval]))",
                      "{{record}}")],
              width=12, min_=0),
        panel("timeseries", "Redis errors and connections",
              "Redis errors per minute (each drops the connection and reconnects with backoff; "
              "writer errors are failed writes of records and notifications) and the "
              "connections up.",
              "short",
              [target(f"sum by (connection) (rate(slawatch_redis_errors_total{{{f}}}[$__rate_interval])) * 60",
                      "errors {{connection}}", "A"),
               target(f"sum by (connection) (slawatch_redis_connected{{{f}}})",
                      "up {{connection}}", "B")],
              width=12, min_=0),
        panel("timeseries", "Notification deliveries",
              "Pages per minute by channel (alertmanager, webhook) and result: sent (first "
              "delivery), retried (an attempt failed), failed (dead-lettered after every retry; "
              "the SlawatchNotificationsFailing alert), duplicate (already sent before a "
              "restart), unconfigured (no channel for the receiver), resolved, resent.",
              "short",
              [target("sum by (channel, result) "
                      f"(rate(slawatch_notify_deliveries_total{{{f}}}[$__rate_interval])) * 60",
                      "{{channel}} {{result}}")],
              width=12, min_=0),
        panel("timeseries", "Notification delay: due to delivered",
              "Wall time from a notification's due time to its first successful delivery "
              "(P50 and P99 by channel), retries included.",
              "s",
              [target(histogram_quantile(q, "slawatch_notify_due_to_sent_seconds", "channel", f,
                                         "$__rate_interval"), f"{name} {{{{channel}}}}", ref)
               for q, name, ref in [(0.5, "median", "A"), (0.99, "P99", "B")]],
              width=12, min_=0),
        panel("stat", "Partitions unowned",
              "Partitions of the input (streams.partitions) whose lease no daemon holds: their "
              "cases are not watched until another instance takes them over, one lease TTL after "
              "their owner died. 0 without partitions. The SlawatchPartitionsUnowned alert "
              "pages after 2 minutes.",
              "short",
              [target(f"max(slawatch_partitions{{{f}}}) - sum(slawatch_partitions_owned{{{f}}})",
                      instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "red"))),
        panel("stat", "Redis data lost",
              "1 while a daemon saves its cases again after finding Redis without its data "
              "(restarted empty, flushed); the SlawatchRedisDataLost alert pages at once.",
              "short", [target(f"max(slawatch_redis_data_lost{{{f}}})", instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "red"))),
        panel("stat", "Last recovery",
              "How long the last start took to load the case snapshots and respawn the case "
              "actors (the longest of the selected daemons); not ready meanwhile.",
              "s", [target(f"max(slawatch_recovery_seconds{{{f}}})", instant=True)],
              width=6, height=5),
        panel("stat", "Late records",
              "Warnings, breaches and outcomes that fell due while the daemon was down, written at "
              "once on recovery and marked late, in the time range.",
              "short",
              [target(f"sum(increase(slawatch_late_records_total{{{f}}}[$__range])) or vector(0)",
                      instant=True)],
              width=6, height=5, steps=thresholds((None, "green"), (1, "orange"))),
        panel("timeseries", "Partitions owned by daemon",
              "Partition leases held by each daemon. After a daemon dies its partitions move to "
              "the others once their leases expire (streams.lease_ttl).",
              "short",
              [target(f"sum by (instance) (slawatch_partitions_owned{{{f}}})", "{{instance}}")],
              width=12, min_=0),
        panel("timeseries", "Snapshots saved",
              "Case snapshots written to Redis per second by case state, each with the records "
              "and acknowledgements of its batch; unreadable snapshots found at recovery (the "
              "SlawatchSnapshotsUnreadable alert) per minute.",
              "ops",
              [target(f"sum by (state) (rate(slawatch_snapshots_written_total{{{f}}}[$__rate_interval]))",
                      "{{state}}", "A"),
               target(f"sum(rate(slawatch_snapshot_errors_total{{{f}}}[$__rate_interval])) * 60",
                      "unreadable", "B")],
              width=12, min_=0),
    ]
    return dashboard("slawatch-health", "slawatch / Health",
                     "SRE view of the daemons: ingest, lag, dead letters, pending entries, Redis, "
                     "rules versions, notification deliveries, persistence and partitions.",
                     variables, panels)


def dashboard(uid, title, description, variables, panels):
    x = y = row_height = 0
    for i, p in enumerate(panels, start=1):
        w, h = p.pop("_size")
        if x + w > 24:
            x, y, row_height = 0, y + row_height, 0
        p["id"] = i
        p["gridPos"] = {"h": h, "w": w, "x": x, "y": y}
        x += w
        row_height = max(row_height, h)
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["slawatch"],
        "editable": True,
        "graphTooltip": 1,
        "refresh": "1m",
        "schemaVersion": SCHEMA_VERSION,
        "time": {"from": "now-24h", "to": "now"},
        "timezone": "browser",
        "timepicker": {},
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "version": 1,
        "weekStart": "",
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard"}]},
        "links": [{"asDropdown": False, "icon": "external link", "includeVars": False,
                   "keepTime": True, "tags": ["slawatch"], "targetBlank": False,
                   "title": "slawatch", "type": "dashboards"}],
        "templating": {"list": variables},
        "panels": panels,
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for name, build in [("sla-overview.json", sla_overview), ("escalations.json", escalations),
                        ("health.json", health)]:
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(build(), f, indent=2, ensure_ascii=False)
            f.write("\n")


if __name__ == "__main__":
    main()
