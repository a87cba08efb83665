#!/usr/bin/env python3
"""Convert gitleaks' config/gitleaks.toml (Go RE2 regexes) into lib/core/detect-gitleaks-data.ts (JavaScript regexes).

Usage: gitleaks-rules.py <gitleaks module dir> <version> <output .ts>
Called by scripts/refresh-gitleaks-rules.sh. Every converted regex is compiled by node afterwards; a rule whose regex
does not convert is dropped and listed in the generated file (DROPPED_RULES) with the reason.
"""
import json
import re
import sys
import tomllib

# Rules that only match file names (no content regex): nothing to do for a string detector.
POSIX = {'alnum': 'a-zA-Z0-9', 'alpha': 'a-zA-Z', 'digit': '0-9', 'xdigit': '0-9a-fA-F', 'upper': 'A-Z', 'lower': 'a-z',
         'space': r'\s', 'punct': r'!-\/:-@\[-`{-~', 'word': r'\w'}


class Unsupported(Exception):
    pass


def swap(c):
    return c.lower() if c.isupper() else c.upper()


def convert(pattern):
    """Go RE2 → JS (no flags needed): (?i) scopes become [aA] classes, (?s) scopes turn . into [\\s\\S], \\z → $."""
    out = []
    i = 0
    n = len(pattern)
    # stack of (ci, dotall) per group; the top is the current scope
    stack = [[False, False]]

    def flags_from(spec, cur):
        ci, dot = cur
        on = True
        for ch in spec:
            if ch == '-':
                on = False
            elif ch == 'i':
                ci = on
            elif ch == 's':
                dot = on
            elif ch in 'mU':
                raise Unsupported(f'flag {ch}')
            else:
                raise Unsupported(f'flag {ch}')
        return [ci, dot]

    while i < n:
        c = pattern[i]
        ci, dot = stack[-1]
        if c == '\\':
            nx = pattern[i + 1]
            if nx == 'z':
                out.append('$')
            elif nx == 'A':
                out.append('^')
            elif nx in 'QEpPCXZ':
                raise Unsupported('\\' + nx)
            elif nx == 'x' and pattern[i + 2] == '{':
                j = pattern.index('}', i)
                out.append('\\u' + pattern[i + 3:j].rjust(4, '0'))
                i = j + 1
                continue
            else:
                out.append('\\' + nx)
            i += 2
            continue
        if c == '[':
            j = i + 1
            body = []
            if j < n and pattern[j] == '^':
                body.append('^')
                j += 1
            first = True
            letters = []
            while j < n and (pattern[j] != ']' or first):
                first = False
                if pattern.startswith('[:', j):
                    k = pattern.index(':]', j)
                    name = pattern[j + 2:k]
                    if name not in POSIX:
                        raise Unsupported(f'[:{name}:]')
                    body.append(POSIX[name])
                    j = k + 2
                    continue
                if pattern[j] == '\\':
                    body.append(pattern[j:j + 2])
                    j += 2
                    continue
                if pattern[j] == '[':
                    body.append('\\[')
                    j += 1
                    continue
                if j + 2 < n and pattern[j + 1] == '-' and pattern[j + 2] != ']':
                    lo, hi = pattern[j], pattern[j + 2]
                    body.append(f'{lo}-{hi}')
                    if lo.isalpha() and hi.isalpha() and lo.islower() == hi.islower():
                        letters.append(f'{swap(lo)}-{swap(hi)}')
                    j += 3
                    continue
                body.append(pattern[j])
                if pattern[j].isalpha():
                    letters.append(swap(pattern[j]))
                j += 1
            if j >= n:
                raise Unsupported('unterminated class')
            neg = '^' if body[:1] == ['^'] else ''
            # The other case goes first: a trailing '-' in the class must stay the last character.
            out.append('[' + neg + (''.join(letters) if ci else '') + ''.join(body[len(neg):]) + ']')
            i = j + 1
            continue
        if c == '(':
            if pattern.startswith('(?P<', i):
                out.append('(?<')
                stack.append(list(stack[-1]))
                i += 4
                continue
            m = re.match(r'\(\?([a-zA-Z-]*)([:)])', pattern[i:])
            if m and m.group(0) != '(?:':
                newflags = flags_from(m.group(1), stack[-1])
                if m.group(2) == ')':
                    stack[-1] = newflags
                else:
                    out.append('(?:')
                    stack.append(newflags)
                i += len(m.group(0))
                continue
            if pattern.startswith('(?:', i):
                out.append('(?:')
                stack.append(list(stack[-1]))
                i += 3
                continue
            if pattern.startswith('(?', i) and not pattern.startswith('(?<', i):
                raise Unsupported('group ' + pattern[i:i + 4])
            out.append('(')
            stack.append(list(stack[-1]))
            i += 1
            continue
        if c == ')':
            stack.pop()
            out.append(')')
            i += 1
            continue
        if c == '.' and dot:
            out.append('[\\s\\S]')
            i += 1
            continue
        if c.isalpha() and ci:
            out.append(f'[{c}{swap(c)}]')
            i += 1
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def conv_list(patterns, dropped, where):
    res = []
    for p in patterns or []:
        try:
            res.append(convert(p))
        except Unsupported as e:
            dropped.append({'id': where, 'reason': f'allowlist regex not convertible ({e})'})
    return res


def main():
    moddir, version, dest = sys.argv[1:4]
    with open(f'{moddir}/config/gitleaks.toml', 'rb') as f:
        cfg = tomllib.load(f)
    with open(f'{moddir}/LICENSE') as f:
        license_text = f.read().strip()
    dropped = []
    rules = []
    for r in cfg['rules']:
        if 'regex' not in r:
            dropped.append({'id': r['id'], 'reason': 'matches file names only (no content regex)'})
            continue
        if 'path' in r:
            dropped.append({'id': r['id'], 'reason': 'applies only to files named like ' + r['path'] + ' (Keyward scans values, not source files)'})
            continue
        try:
            regex = convert(r['regex'])
        except Unsupported as e:
            dropped.append({'id': r['id'], 'reason': f'regex not convertible to JavaScript ({e})'})
            continue
        allow = []
        for a in r.get('allowlists', []):
            if a.get('paths') and a.get('condition') == 'AND':
                continue  # path-scoped allowlist: never applies to values
            entry = {
                'target': a.get('regexTarget', 'secret'),
                'regexes': conv_list(a.get('regexes'), dropped, r['id']),
                'stopwords': [s.lower() for s in a.get('stopwords', [])],
                'and': a.get('condition') == 'AND',
            }
            if entry['regexes'] or entry['stopwords']:
                allow.append(entry)
        rules.append({
            'id': r['id'],
            'description': r['description'],
            'regex': regex,
            'secretGroup': r.get('secretGroup', 0),
            'entropy': r.get('entropy', 0),
            'keywords': [k.lower() for k in r.get('keywords', [])],
            'allowlists': allow,
        })
    g = cfg['allowlist']
    glob = {'regexes': conv_list(g.get('regexes'), dropped, 'global'), 'stopwords': [s.lower() for s in g.get('stopwords', [])]}
    header = (
        '// Generated by scripts/refresh-gitleaks-rules.sh from gitleaks ' + version + ' config/gitleaks.toml. Do not edit.\n'
        '// The rules are gitleaks\' (https://github.com/gitleaks/gitleaks), used under its MIT license, reproduced below\n'
        '// and in GITLEAKS_LICENSE. Go (RE2) regexes are converted to JavaScript by scripts/gitleaks-rules.py.\n//\n'
        + '\n'.join('// ' + line if line else '//' for line in license_text.split('\n')) + '\n'
        '\n'
        'import { GitleaksData } from \'./detect-gitleaks\';\n\n'
    )
    body = (
        f'export const GITLEAKS_VERSION = {json.dumps(version)};\n\n'
        f'export const GITLEAKS_LICENSE = {json.dumps(license_text)};\n\n'
        '/** Rules of gitleaks.toml that are not used, and why. */\n'
        f'export const DROPPED_RULES: readonly {{ id: string; reason: string }}[] = {json.dumps(dropped, indent=1)};\n\n'
        f'export const GITLEAKS_DATA: GitleaksData = {json.dumps({"allowlist": glob, "rules": rules}, indent=1)};\n'
    )
    with open(dest, 'w') as f:
        f.write(header + body)
    print(f'gitleaks-rules: {len(rules)} rules converted, {len(dropped)} dropped: ' + ', '.join(d['id'] for d in dropped), file=sys.stderr)


main()
