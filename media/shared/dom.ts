// Small helpers to build the table without innerHTML: every text goes in as text, never as markup.

type Child = Node | string | undefined | false;

/** An element: `class`, `label` (aria-label) and any other attribute (`title`, `role`, `scope`, `data-*`) from `props`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'class') el.className = v;
    else el.setAttribute(k === 'label' ? 'aria-label' : k, v);
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

export function button(text: string, label: string, onClick: () => void, className = 'icon'): HTMLButtonElement {
  const b = h('button', { class: className, title: label, label }, text);
  b.type = 'button';
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

/**
 * An inline text field over `anchor`: Enter commits, and so does leaving it (clicking away) once something was
 * changed, so what was typed is never lost without a word; Escape cancels. `onClose` runs either way, before the
 * commit (the caller puts the focus back).
 */
export function inlineInput(anchor: HTMLElement, value: string, placeholder: string, commit: (value: string) => void, onClose: () => void): void {
  const field = h('input', { class: 'inline', label: placeholder });
  field.value = value;
  field.placeholder = placeholder;
  field.spellcheck = false;
  const restore = [...anchor.childNodes];
  anchor.replaceChildren(field);
  let done = false;
  const close = (save: boolean) => {
    if (done) return;
    done = true;
    anchor.replaceChildren(...restore);
    onClose();
    if (save) commit(field.value);
  };
  field.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key !== 'Enter' && e.key !== 'Escape') return;
    // No keypress after this: the focus goes back to the control that opened the field, which Enter would press again.
    e.preventDefault();
    close(e.key === 'Enter');
  });
  field.addEventListener('blur', () => close(field.value !== value));
  field.focus();
  field.select();
}
