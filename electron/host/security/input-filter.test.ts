import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyShortcut, shouldBlockInput, type KeyInput } from './input-filter';

const down = (key: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key, ...mods });

describe('classifyShortcut', () => {
  it.each([
    [down('F5'), 'reload'],
    [down('r', { control: true }), 'reload'],
    [down('R', { control: true, shift: true }), 'reload'],
    [down('r', { meta: true }), 'reload'],
    [down('F12'), 'devtools'],
    [down('I', { control: true, shift: true }), 'devtools'],
    [down('j', { control: true, shift: true }), 'devtools'],
    [down('i', { meta: true, alt: true }), 'devtools'],
    [down('+', { control: true }), 'zoom'],
    [down('=', { control: true }), 'zoom'],
    [down('-', { control: true }), 'zoom'],
    [down('0', { control: true }), 'zoom'],
    [down('Add', { control: true, code: 'NumpadAdd' }), 'zoom'],
    [down('F4', { alt: true }), 'quit'],
    [down('q', { control: true }), 'quit'],
    [down('w', { control: true }), 'quit'],
    [down('q', { meta: true }), 'quit'],
    [down('p', { control: true }), 'print'],
    [down('s', { control: true }), 'save'],
    [down('o', { control: true }), 'open'],
    [down('f', { control: true }), 'find'],
    [down('u', { control: true }), 'view-source'],
    [down('ArrowLeft', { alt: true }), 'history'],
    [down('BrowserBack'), 'history'],
    [down('F11'), 'fullscreen'],
  ] as const)('%o is %s', (input, expected) => {
    expect(classifyShortcut(input)).toBe(expected);
  });

  it('lets ordinary typing through (the 8-digit code, the MRZ keyboard)', () => {
    for (const key of ['1', '8', 'a', 'Z', '<', 'Backspace', 'Enter', 'Tab', 'ArrowLeft', 'Escape', ' ']) {
      expect(classifyShortcut(down(key)), key).toBeUndefined();
      expect(classifyShortcut(down(key, { shift: true })), key).toBeUndefined();
    }
    expect(classifyShortcut(down('r'))).toBeUndefined();
  });

  it('judges key presses only, not key releases', () => {
    expect(classifyShortcut({ type: 'keyUp', key: 'F5' })).toBeUndefined();
    expect(classifyShortcut({ type: 'rawKeyDown', key: 'F5' })).toBe('reload');
  });

  it('never blocks an unmodified printable character', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 1 }), (key) => classifyShortcut(down(key)) === undefined),
    );
  });
});

describe('shouldBlockInput', () => {
  it('blocks every classified shortcut in production', () => {
    for (const input of [down('F5'), down('F12'), down('=', { control: true }), down('q', { control: true }), down('F4', { alt: true })]) {
      expect(shouldBlockInput(input, { production: true })).toBe(true);
    }
  });
  it('leaves reload and devtools to a developer, still blocking quit and zoom', () => {
    expect(shouldBlockInput(down('F5'), { production: false })).toBe(false);
    expect(shouldBlockInput(down('F12'), { production: false })).toBe(false);
    expect(shouldBlockInput(down('q', { control: true }), { production: false })).toBe(true);
    expect(shouldBlockInput(down('0', { control: true }), { production: false })).toBe(true);
  });
  it('never blocks a key that is no shortcut', () => {
    expect(shouldBlockInput(down('5'), { production: true })).toBe(false);
  });
});
