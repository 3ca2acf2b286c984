#!/usr/bin/env python3
"""check-k8s.py - structural checks of the kustomize base in deploy/k8s.

Debian has neither kustomize nor kubeconform, so scripts/lint.sh runs this
instead (python3-yaml only).  It checks what a typo would break:

- kustomization.yaml lists files that exist, and every YAML file in the
  directory is listed (an unlisted manifest is never applied);
- every document parses and has apiVersion, kind and metadata.name;
- each Deployment's selector matches its pod labels, runs as the non-root
  uid 10001 with a read-only root filesystem and no capabilities, has
  liveness (/healthz) and readiness (/readyz) probes on the port named
  http-metrics, resources, and a termination grace period;
- envFrom names a ConfigMap or Secret of the base; the Service, the
  PodDisruptionBudgets and the ScaledObject select or name a Deployment;
- the replacements' sources and targets resolve.

Usage: deploy/check-k8s.py [DIR]   (default: deploy/k8s beside this file)
Exit 0 when clean, 1 with one line per problem on stderr.
"""
import os
import sys

import yaml

problems = []


def bad(where, msg):
    problems.append(f"{where}: {msg}")


def get(obj, path):
    """Value at a dotted path ("spec.triggers.0.topic"), or None."""
    for part in path.split("."):
        if isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        elif isinstance(obj, dict) and part in obj:
            obj = obj[part]
        else:
            return None
    return obj


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_container(where, c, port_names):
    sc = c.get("securityContext") or {}
    if sc.get("readOnlyRootFilesystem") is not True:
        bad(where, "readOnlyRootFilesystem is not true")
    if sc.get("allowPrivilegeEscalation") is not False:
        bad(where, "allowPrivilegeEscalation is not false")
    if "ALL" not in (get(sc, "capabilities.drop") or []):
        bad(where, "capabilities do not drop ALL")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        hg = get(c, probe + ".httpGet") or {}
        if hg.get("path") != path:
            bad(where, f"{probe} is not GET {path}")
        if hg.get("port") not in port_names:
            bad(where, f"{probe} port {hg.get('port')!r} is not a container port")
    for kind in ("requests", "limits"):
        res = get(c, "resources." + kind) or {}
        if not res.get("cpu") or not res.get("memory"):
            bad(where, f"resources.{kind} lack cpu or memory")


def check_deployment(where, d, configmaps, secrets):
    spec = d.get("spec") or {}
    sel = get(spec, "selector.matchLabels") or {}
    labels = get(spec, "template.metadata.labels") or {}
    if not selects(sel, labels):
        bad(where, "selector.matchLabels do not match the pod labels")
    pod = get(spec, "template.spec") or {}
    psc = pod.get("securityContext") or {}
    if psc.get("runAsNonRoot") is not True or psc.get("runAsUser") != 10001:
        bad(where, "pod does not run as non-root uid 10001")
    if not isinstance(pod.get("terminationGracePeriodSeconds"), int):
        bad(where, "no terminationGracePeriodSeconds")
    containers = pod.get("containers") or []
    if not containers:
        bad(where, "no containers")
    for c in containers:
        cw = f"{where} container {c.get('name')}"
        ports = c.get("ports") or []
        names = {p.get("name") for p in ports} | {p.get("containerPort") for p in ports}
        if "http-metrics" not in names:
            bad(cw, "no container port named http-metrics")
        check_container(cw, c, names)
        for ref in c.get("envFrom") or []:
            for key, known in (("configMapRef", configmaps), ("secretRef", secrets)):
                name = get(ref, key + ".name")
                if key in ref and name not in known:
                    bad(cw, f"envFrom {key} {name!r} is not in the base")
    return labels


def load(dirname):
    kfile = os.path.join(dirname, "kustomization.yaml")
    with open(kfile) as f:
        kust = yaml.safe_load(f)
    resources = kust.get("resources") or []
    listed = set()
    docs = []
    for res in resources:
        path = os.path.join(dirname, res)
        if not os.path.isfile(path):
            bad(kfile, f"resource {res} does not exist")
            continue
        listed.add(os.path.normpath(path))
        with open(path) as f:
            for i, doc in enumerate(yaml.safe_load_all(f)):
                if doc is not None:
                    docs.append((f"{res}#{i}", doc))
    for name in sorted(os.listdir(dirname)):
        path = os.path.normpath(os.path.join(dirname, name))
        if name.endswith((".yaml", ".yml")) and name != "kustomization.yaml" \
                and path not in listed:
            bad(kfile, f"{name} is not listed in resources")
    return kfile, kust, docs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    dirname = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "k8s")
    kfile, kust, docs = load(dirname)
    by_kind = {}
    for where, doc in docs:
        for field in ("apiVersion", "kind"):
            if not doc.get(field):
                bad(where, f"no {field}")
        if not get(doc, "metadata.name"):
            bad(where, "no metadata.name")
        by_kind.setdefault(doc.get("kind"), {})[get(doc, "metadata.name")] = (where, doc)

    configmaps = by_kind.get("ConfigMap", {})
    secrets = by_kind.get("Secret", {})
    deployments = by_kind.get("Deployment", {})
    if not deployments:
        bad(kfile, "no Deployment")
    pod_labels = {}
    for name, (where, d) in deployments.items():
        pod_labels[name] = check_deployment(where, d, configmaps, secrets)

    for kind, path in (("Service", "spec.selector"),
                       ("PodDisruptionBudget", "spec.selector.matchLabels")):
        for name, (where, doc) in by_kind.get(kind, {}).items():
            sel = get(doc, path) or {}
            if not any(selects(sel, lab) for lab in pod_labels.values()):
                bad(where, f"{kind} {name} selects no Deployment's pods")
    for name, (where, doc) in by_kind.get("ScaledObject", {}).items():
        target = get(doc, "spec.scaleTargetRef.name")
        if target not in deployments:
            bad(where, f"scaleTargetRef {target!r} is not a Deployment of the base")
        for i, trig in enumerate(get(doc, "spec.triggers") or []):
            meta = trig.get("metadata") or {}
            for key in ("bootstrapServers", "consumerGroup", "topic", "lagThreshold"):
                if not meta.get(key):
                    bad(where, f"trigger {i} has no {key}")

    for i, rep in enumerate(kust.get("replacements") or []):
        src = rep.get("source") or {}
        found = by_kind.get(src.get("kind"), {}).get(src.get("name"))
        if not found or get(found[1], src.get("fieldPath", "")) is None:
            bad(kfile, f"replacement {i}: source {src} does not resolve")
        for t in rep.get("targets") or []:
            sel = t.get("select") or {}
            tgt = by_kind.get(sel.get("kind"), {}).get(sel.get("name"))
            for fp in t.get("fieldPaths") or []:
                if not tgt or get(tgt[1], fp) is None:
                    bad(kfile, f"replacement {i}: target {sel} {fp} does not resolve")

    for p in problems:
        print(f"check-k8s: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
