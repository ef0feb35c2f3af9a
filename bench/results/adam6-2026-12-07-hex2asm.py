# Disassembles a C2 nmethod that -XX:CompileCommand=print dumped as hex (the hsdis plugin of Debian's
# libhsdis0-fcml printed no mnemonics here): python3 adam6-2026-12-07-hex2asm.py dump.txt LINE
# where LINE is the 0-based line just before "Compiled method (c2) ..." in dump.txt; needs objdump.
import re,sys,subprocess,tempfile
# usage: hex2asm.py file startline  -> disassembles the [MachCode] of the nmethod starting at startline
lines=open(sys.argv[1]).read().split('\n')[int(sys.argv[2]):]
out=bytearray(); started=False; base=None
for l in lines:
    if l.startswith('[MachCode]'): started=True; continue
    if started and (l.startswith('[Stub Code]') or l.startswith('[Exception Handler]') or l.startswith('-----') or 'C2-compiled' in l or 'Compiled method' in l): break
    m=re.match(r'\s*0x([0-9a-f]+): ((?:[0-9a-f ]+\|?)+)$', l)
    if started and m:
        if base is None: base=int(m.group(1),16)
        out+=bytes.fromhex(m.group(2).replace('|','').replace(' ',''))
with tempfile.NamedTemporaryFile(suffix='.bin') as t:
    t.write(out); t.flush()
    print(subprocess.run(['objdump','-D','-b','binary','-m','i386:x86-64','-M','intel','--adjust-vma=%d'%base,t.name],capture_output=True,text=True).stdout)
