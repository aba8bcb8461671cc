#!/usr/bin/env python3
"""One-off transcription aid: rows whose label quotes a KSIC code and the
name ksic.yaml gives it are rewritten to `ksic: "CODE"`, so the name has one
source. Labels whose name differs from ksic.yaml are reported, not changed."""
import re, sys, yaml

ksic = yaml.safe_load(open('content/data/records/ksic.yaml'))
names = {c['code']: c['name'] for it in ksic['items'] for c in it.get('codes', [])}
for path in sys.argv[1:]:
    src = open(path).read()
    out = []
    for line in src.splitlines(keepends=True):
        # (20129) name rows
        m = re.search(r'label: \((\d{5})\) ([^,}]+?)(,| })', line)
        if m and m.group(1) in names:
            if names[m.group(1)] == m.group(2).strip():
                line = line.replace(m.group(0), f'ksic: "{m.group(1)}"{m.group(3)}')
            else:
                print(f'{path}: {m.group(1)} "{m.group(2)}" vs ksic.yaml "{names[m.group(1)]}"')
        # label: "21300", values: ["name", ...] rows
        m = re.search(r'label: "(\d{5})", values: \["([^"]+)", ', line)
        if m and m.group(1) in names:
            if names[m.group(1)] == m.group(2):
                line = line.replace(m.group(0), f'ksic: "{m.group(1)}", values: [')
            else:
                print(f'{path}: {m.group(1)} "{m.group(2)}" vs ksic.yaml "{names[m.group(1)]}"')
        out.append(line)
    open(path, 'w').write(''.join(out))
