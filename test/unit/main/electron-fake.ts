/**
 * A stand-in for the `electron` module. Electron cannot run on the development and CI machines
 * (ENVIRONMENT.md), so every test in test/unit/main mocks `electron` with this:
 *
 *   vi.mock('electron', async () => (await import('./electron-fake')).createElectronFake());
 *
 * Each test file gets its own instance (vi.mock is per file); tests reach it with
 * `import * as electron from 'electron'` and `fake(electron)`.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => void;

export class FakeEmitter {
  readonly emitter = new EventEmitter();
  on(event: string, listener: Listener): this {
    this.emitter.on(event, listener);
    return this;
  }
  once(event: string, listener: Listener): this {
    this.emitter.once(event, listener);
    return this;
  }
  removeListener(event: string, listener: Listener): this {
    this.emitter.removeListener(event, listener);
    return this;
  }
  emit(event: string, ...args: unknown[]): boolean {
    return this.emitter.emit(event, ...args);
  }
  listenerCount(event: string): number {
    return this.emitter.listenerCount(event);
  }
}

/** An Electron-style event: `preventDefault()` records that it was called. */
export function fakeEvent<T extends Record<string, unknown>>(extra: T = {} as T) {
  const event = {
    ...extra,
    defaultPrevented: false,
    preventDefault: () => {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeWebContents extends FakeEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  url = 'app://bundle/index.html';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  getURL(): string {
    return this.url;
  }
  /** Every OS drag started from this page (webContents.startDrag). */
  readonly drags: Array<{ file: string; files?: string[]; icon: unknown }> = [];
  startDrag(item: { file: string; files?: string[]; icon: unknown }): void {
    this.drags.push(item);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/**
 * Electron's NativeImage as far as the app uses it: made from PNG bytes (Electron reads PNG and JPEG;
 * anything else gives an empty image, as it does there), its size from the PNG header, resized by width.
 */
export class FakeNativeImage {
  constructor(
    readonly png: Buffer,
    private readonly size: { width: number; height: number },
  ) {}
  static fromBuffer(buffer: Buffer): FakeNativeImage {
    const isPng =
      buffer.length >= 24 && buffer.readUInt32BE(0) === 0x89504e47 && buffer.readUInt32BE(12) === 0x49484452;
    return new FakeNativeImage(
      isPng ? buffer : Buffer.alloc(0),
      isPng ? { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) } : { width: 0, height: 0 },
    );
  }
  isEmpty(): boolean {
    return this.png.length === 0;
  }
  getSize(): { width: number; height: number } {
    return { ...this.size };
  }
  resize(options: { width?: number; height?: number }): FakeNativeImage {
    const width = options.width ?? this.size.width;
    const height = options.height ?? Math.round((this.size.height * width) / Math.max(1, this.size.width));
    return new FakeNativeImage(this.png, { width, height });
  }
  toPNG(): Buffer {
    return this.png;
  }
}

/** Electron's ClipboardItem: MIME types and their payloads. */
export class FakeClipboardItem {
  constructor(readonly items: Record<string, string | Blob | Promise<string | Blob>>) {}
  get types(): string[] {
    return Object.keys(this.items);
  }
  async getType(type: string): Promise<Blob> {
    const value = await this.items[type];
    if (value === undefined) throw new Error(`no ${type}`);
    return typeof value === 'string' ? new Blob([value]) : value;
  }
}

export function createElectronFake() {
  const windows: FakeBrowserWindow[] = [];

  class FakeBrowserWindow extends FakeEmitter {
    static getAllWindows = () => windows.filter((w) => !w.destroyed);
    readonly webContents = new FakeWebContents();
    destroyed = false;
    shown = false;
    focused = false;
    minimized = false;
    maximized = false;
    loadedUrl: string | null = null;
    bounds = { x: 10, y: 20, width: 1200, height: 800 };
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
    }
    show(): void {
      this.shown = true;
    }
    focus(): void {
      this.focused = true;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    maximize(): void {
      this.maximized = true;
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    getNormalBounds() {
      return { ...this.bounds };
    }
  }

  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const app = Object.assign(new FakeEmitter(), {
    paths: new Map<string, string>([['userData', '/nonexistent/user-data']]),
    requestSingleInstanceLock: vi.fn(() => true),
    enableSandbox: vi.fn(),
    quit: vi.fn(),
    exit: vi.fn(),
    getVersion: vi.fn(() => '0.1.0-test'),
    whenReady: vi.fn(() => ready),
    /** Test control: resolve whenReady(). */
    becomeReady: () => resolveReady(),
    setPath(name: string, value: string) {
      this.paths.set(name, value);
    },
    getPath(name: string) {
      return this.paths.get(name) ?? `/nonexistent/${name}`;
    },
  });

  const ipcMainHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handlers: ipcMainHandlers,
    handle: vi.fn((channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => {
      if (ipcMainHandlers.has(channel))
        throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcMainHandlers.set(channel, handler);
    }),
    removeHandler: vi.fn((channel: string) => ipcMainHandlers.delete(channel)),
  };

  const rendererEmitter = new EventEmitter();
  const ipcRenderer = {
    emitter: rendererEmitter,
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({
      ok: true,
      value: null,
    })),
    on: vi.fn((channel: string, listener: Listener) => rendererEmitter.on(channel, listener)),
    removeListener: vi.fn((channel: string, listener: Listener) =>
      rendererEmitter.removeListener(channel, listener),
    ),
    send: vi.fn(),
  };

  const exposed = new Map<string, unknown>();
  const contextBridge = {
    exposed,
    exposeInMainWorld: vi.fn((key: string, api: unknown) => {
      exposed.set(key, api);
    }),
  };

  const protocolHandlers = new Map<string, (request: { url: string; method: string }) => Promise<Response>>();
  const protocol = {
    handlers: protocolHandlers,
    privileged: [] as unknown[],
    registerSchemesAsPrivileged: vi.fn((schemes: unknown[]) => protocol.privileged.push(...schemes)),
    handle: vi.fn(
      (scheme: string, handler: (request: { url: string; method: string }) => Promise<Response>) => {
        protocolHandlers.set(scheme, handler);
      },
    ),
  };

  const makeSession = () => ({
    permissionRequestHandler: null as null | ((...args: unknown[]) => void),
    permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
    headersListener: null as null | ((details: unknown, callback: (response: unknown) => void) => void),
    setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      this.permissionCheckHandler = handler;
    },
    get webRequest() {
      return {
        onHeadersReceived: (listener: (details: unknown, callback: (response: unknown) => void) => void) => {
          this.headersListener = listener;
        },
      };
    },
  });
  const session = { defaultSession: makeSession(), makeSession };

  const shell = {
    openExternal: vi.fn(async (_url: string) => undefined),
    showItemInFolder: vi.fn(),
  };
  const dialog = {
    showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] as string[] })),
  };
  const screen = {
    getAllDisplays: vi.fn(() => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }]),
  };
  const safeStorage = {
    isEncryptionAvailable: vi.fn(() => false),
    encryptString: vi.fn(() => {
      throw new Error('not available');
    }),
    decryptString: vi.fn(() => {
      throw new Error('not available');
    }),
    getSelectedStorageBackend: vi.fn(() => 'basic_text'),
  };
  // Chromium's fetch (the OS proxy): answers 200 unless a test says otherwise.
  const net = {
    fetch: vi.fn(
      async (_input: string | Request, _init?: RequestInit): Promise<Response> => new Response('{}'),
    ),
  };
  // The OS clipboard (Electron's is modelled on the W3C one): what was last written.
  const clipboard = {
    items: [] as FakeClipboardItem[],
    text: null as string | null,
    writeText: vi.fn(async (text: string) => {
      clipboard.text = text;
      clipboard.items = [];
    }),
    write: vi.fn(async (items: FakeClipboardItem[]) => {
      clipboard.items = items;
      clipboard.text = null;
    }),
  };
  const nativeImage = {
    createFromBuffer: vi.fn((buffer: Buffer) => FakeNativeImage.fromBuffer(buffer)),
  };
  const webUtils = { getPathForFile: vi.fn((file: { name?: string }) => `/dropped/${file.name ?? ''}`) };

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    ipcRenderer,
    contextBridge,
    protocol,
    session,
    shell,
    dialog,
    screen,
    safeStorage,
    webUtils,
    net,
    clipboard,
    ClipboardItem: FakeClipboardItem,
    nativeImage,
    windows,
  };
  return { ...electron, default: electron };
}

export type ElectronFake = ReturnType<typeof createElectronFake>;
export type FakeBrowserWindowInstance = InstanceType<ElectronFake['BrowserWindow']>;

/** The mocked module, typed as the fake. */
export const fake = (mod: unknown): ElectronFake => mod as ElectronFake;
