#!/usr/bin/env python3
"""Checks the doc comments of the public headers.

Each LIBBPF_API function has a /** */ block above it (only preprocessor lines,
forward declarations and the other-language declaration of the same function
may come between) holding one @brief, one @param per parameter, named and in
order, and one @return. A /** */ block documents a function and nothing else;
errors belong to the man pages, so no @retval, and no doxygen grouping. A
header is at most --max-lines long.

--self-test puts each of those faults into a copy of the header and requires
the check to report it (and to pass the header as it is).
"""
import argparse
import re
import sys

FORBIDDEN = ('@retval', '@defgroup', '@addtogroup', '@ingroup', '@{', '@}', '@file')
DECL = re.compile(r'^LIBBPF_API\b[^;]*;', re.M | re.S)
DOC = re.compile(r'^/\*\*.*?\*/', re.M | re.S)
SKIPPABLE = re.compile(r'^\s*(#.*|(enum|struct|union)\s+\w+;.*)?$')


def line_of(text, pos):
    return text.count('\n', 0, pos) + 1


def decl_name_params(decl):
    m = re.search(r'(\w+)\s*\((.*)\)\s*;$', decl, re.S)
    name, params = m.group(1), m.group(2)
    names = []
    for p in params.split(','):
        p = p.strip()
        if p and p != 'void':
            names.append(re.findall(r'\w+', p)[-1])
    return name, names


def check(text, max_lines):
    errors = []
    nlines = text.count('\n')
    if nlines > max_lines:
        errors.append(f'{nlines} lines, more than {max_lines}')
    for tag in FORBIDDEN:
        for m in re.finditer(re.escape(tag) + r'(?!\w)', text):
            errors.append(f'line {line_of(text, m.start())}: {tag} (errors go to the man pages; no grouping)')

    docs = [(m.start(), m.end(), m.group(0)) for m in DOC.finditer(text)]
    decls = [(m.start(), m.end(), m.group(0)) for m in DECL.finditer(text)]
    used = set()
    for start, end, decl in decls:
        name, params = decl_name_params(decl)
        where = f'line {line_of(text, start)}: {name}()'
        doc = None
        for i, (ds, de, body) in reversed(list(enumerate(docs))):
            if de > start:
                continue
            gap = text[de:start]
            for s2, e2, d2 in decls:  # the same function declared for C and C++
                if de <= s2 and e2 <= start and decl_name_params(d2)[0] == name:
                    gap = gap.replace(d2, '')
            if all(SKIPPABLE.match(line) for line in gap.split('\n')):
                doc = (i, body)
            break
        if doc is None:
            errors.append(f'{where}: no /** */ block above it')
            continue
        used.add(doc[0])
        body = doc[1]
        if len(re.findall(r'@brief\s+\S', body)) != 1:
            errors.append(f'{where}: needs exactly one @brief')
        if len(re.findall(r'@return\s+\S', body)) != 1:
            errors.append(f'{where}: needs exactly one @return')
        documented = re.findall(r'@param\s+(\w+)\s+\S', body)
        if documented != params:
            errors.append(f'{where}: @param {documented} but the parameters are {params}')
    for i, (ds, de, body) in enumerate(docs):
        if i not in used:
            errors.append(f'line {line_of(text, ds)}: /** */ block that documents no function')
    return errors


def mutations(text, max_lines):
    """(what, faulty copy of text) pairs; each must fail the check."""
    first_param = re.search(r'^ \* @param .*\n', text, re.M)
    first_return = re.search(r'^ \* @return .*\n', text, re.M)
    first_brief = re.search(r'^ \* @brief .*\n', text, re.M)
    first_doc = DOC.search(text)
    two_params = re.search(r'^( \* @param .*\n)( \* @param .*\n)', text, re.M)
    p = re.search(r'@param (\w+)', text)
    cut = lambda m: text[:m.start()] + text[m.end():]
    return [
        ('a @param removed', cut(first_param)),
        ('a @param misnamed', text[:p.start(1)] + p.group(1) + 'x' + text[p.end(1):]),
        ('two @param swapped', text[:two_params.start()] + two_params.group(2) +
         two_params.group(1) + text[two_params.end():]),
        ('a @return removed', cut(first_return)),
        ('a @brief removed', cut(first_brief)),
        ('a @retval added', text[:first_return.end()] + ' * @retval -EINVAL bad\n' +
         text[first_return.end():]),
        ('doxygen grouping added', text[:first_doc.start()] + '/** @defgroup g g\n * @{\n */\n' +
         text[first_doc.start():]),
        ('a doc block removed', text[:first_doc.start()] + text[first_doc.end():]),
        ('a doc block on a struct', text.replace('\nstruct ', '\n/** A struct. */\nstruct ', 1)),
        ('one line too many', text + '\n' * (max(0, max_lines - text.count('\n')) + 1)),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--max-lines', type=int, default=1000)
    ap.add_argument('--self-test', action='store_true')
    ap.add_argument('headers', nargs='+')
    args = ap.parse_args()
    failed = False
    for path in args.headers:
        text = open(path, encoding='utf-8').read()
        errors = check(text, args.max_lines)
        if not args.self_test:
            for e in errors:
                print(f'{path}: {e}')
            failed |= bool(errors)
            continue
        if errors:
            print(f'{path}: the header itself fails: {errors[0]}')
            failed = True
            continue
        for what, faulty in mutations(text, args.max_lines):
            if faulty == text:
                print(f'{path}: mutation "{what}" changed nothing')
                failed = True
            elif not check(faulty, args.max_lines):
                print(f'{path}: fault not reported: {what}')
                failed = True
            else:
                print(f'{path}: reported: {what}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
