/**
 * OpenPose / ControlNet JSON: what is imported and exported again is equal (missing points included),
 * a normalised file and its pixel twin import to the same skeleton, hands and face are kept, several
 * people are several figures, and damaged or hostile files get a clear INVALID_INPUT error.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/domain/errors';
import {
  formatOpenPoseJson,
  parseOpenPoseJson,
  readOpenPose,
  splitFigures,
  toOpenPoseJson,
  figureBox,
} from '../../../src/skeleton';

/** A pixel-coordinate ControlNet file: two people, the second with its left ear and right wrist missing. */
const body = (dx: number, missing: number[] = []) =>
  [
    [256, 140],
    [256, 198],
    [208, 198],
    [194, 297],
    [187, 391],
    [304, 198],
    [318, 297],
    [325, 391],
    [228, 393],
    [221, 517],
    [221, 642],
    [284, 393],
    [291, 517],
    [291, 642],
    [242, 126],
    [270, 126],
    [226, 134],
    [286, 134],
  ].flatMap(([x, y], i) => (missing.includes(i) ? [0, 0, 0] : [(x as number) + dx, y as number, 1]));
const hand = (x0: number) => Array.from({ length: 21 }, (_, i) => [x0 + i * 2, 400 + i * 3, 1]).flat();
const pixelFile = {
  canvas_width: 1024,
  canvas_height: 768,
  people: [
    { pose_keypoints_2d: body(0), hand_left_keypoints_2d: hand(330), hand_right_keypoints_2d: hand(150) },
    {
      pose_keypoints_2d: body(512, [4, 17]),
      face_keypoints_2d: Array.from({ length: 70 }, (_, i) => [
        700 + (i % 10),
        120 + Math.floor(i / 10),
        1,
      ]).flat(),
    },
  ],
};
/** The same file normalised to 0..1 (dividing by powers of two keeps the numbers exact). */
const normalise = (triples: number[]) =>
  triples.map((v, i) => (i % 3 === 0 ? v / 1024 : i % 3 === 1 ? v / 768 : v));

function invalid(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_INPUT');
    return error as AppError;
  }
  throw new Error('expected the file to be refused');
}

describe('OpenPose JSON', () => {
  it('round trips: imported and exported again is equal, missing points included', () => {
    const skeleton = parseOpenPoseJson(JSON.stringify(pixelFile));
    expect(skeleton.canvas).toEqual({ width: 1024, height: 768 });
    expect(skeleton.figures).toHaveLength(2);
    expect(skeleton.figures[1]?.body[4]).toBeNull();
    expect(skeleton.figures[1]?.body[17]).toBeNull();
    expect(skeleton.figures[0]?.leftHand).toHaveLength(21);
    expect(skeleton.figures[1]?.face).toHaveLength(70);
    expect(toOpenPoseJson(skeleton)).toEqual(pixelFile);
    // And through text, as a file on disk would go.
    expect(JSON.parse(formatOpenPoseJson(skeleton))).toEqual(pixelFile);
    expect(parseOpenPoseJson(formatOpenPoseJson(skeleton))).toEqual(skeleton);
  });

  it('reads a normalised file and its pixel twin as the same skeleton, and writes it normalised again', () => {
    const normalisedFile = {
      ...pixelFile,
      people: pixelFile.people.map((p) =>
        Object.fromEntries(Object.entries(p).map(([k, v]) => [k, normalise(v)])),
      ),
    };
    const fromPixels = parseOpenPoseJson(JSON.stringify(pixelFile));
    const fromNormalised = parseOpenPoseJson(JSON.stringify(normalisedFile));
    expect(fromNormalised).toEqual(fromPixels);
    expect(toOpenPoseJson(fromNormalised, { normalised: true })).toEqual(normalisedFile);
  });

  it('takes the canvas from the caller when the file has none (plain OpenPose output)', () => {
    const plain = { people: [{ pose_keypoints_2d: body(0) }] };
    expect(invalid(() => readOpenPose(plain)).message).toMatch(/no canvas_width/);
    const skeleton = readOpenPose(plain, { canvas: { width: 512, height: 768 } });
    expect(skeleton.canvas).toEqual({ width: 512, height: 768 });
    expect(figureBox(skeleton.figures[0]!, skeleton.canvas)).toEqual({
      x: 183,
      y: 122,
      width: 147,
      height: 525,
    });
  });

  it('converts BODY_25 to COCO-18 and reads a one-frame ComfyUI list', () => {
    const coco = body(0);
    // BODY_25 inserts a mid hip at 8 and appends six foot points.
    const body25 = [...coco.slice(0, 24), 256, 393, 1, ...coco.slice(24), ...Array(18).fill(7)];
    const skeleton = readOpenPose([
      { canvas_width: 512, canvas_height: 768, people: [{ pose_keypoints_2d: body25 }] },
    ]);
    expect(toOpenPoseJson(skeleton).people[0]?.pose_keypoints_2d).toEqual(coco);
  });

  it('splits a sheet into single poses, each on a canvas of its own around the figure', () => {
    const singles = splitFigures(parseOpenPoseJson(JSON.stringify(pixelFile)));
    expect(singles).toHaveLength(2);
    for (const single of singles) {
      expect(single.figures).toHaveLength(1);
      const box = figureBox(single.figures[0]!, single.canvas)!;
      expect(box.x).toBeGreaterThan(0);
      expect(box.y).toBeGreaterThan(0);
      expect(box.x + box.width).toBeLessThan(single.canvas.width);
      expect(box.y + box.height).toBeLessThan(single.canvas.height);
    }
    expect(singles[1]?.figures[0]?.body[4]).toBeNull();
  });

  it('refuses damaged and hostile files with a clear error', () => {
    const cases: [string, string, RegExp][] = [
      ['not JSON', '{"people": [', /not valid JSON/],
      ['no people', '{"canvas_width": 10, "canvas_height": 10}', /no “people” list/],
      ['people not a list', '{"people": {"0": 1}}', /no “people” list/],
      [
        'wrong count',
        JSON.stringify({ canvas_width: 9, canvas_height: 9, people: [{ pose_keypoints_2d: [1, 2, 1] }] }),
        /54 or 75 expected/,
      ],
      [
        'a string among numbers',
        JSON.stringify({ ...pixelFile, people: [{ pose_keypoints_2d: [...body(0).slice(1), '1'] }] }),
        /finite numbers/,
      ],
      ['Infinity', JSON.stringify(pixelFile).replace('256', '1e400'), /finite numbers/],
      ['negative canvas', JSON.stringify({ ...pixelFile, canvas_width: -5 }), /canvas size/],
      ['a huge canvas', JSON.stringify({ ...pixelFile, canvas_width: 1e9 }), /canvas size/],
      [
        'too many people',
        JSON.stringify({ ...pixelFile, people: Array(65).fill(pixelFile.people[0]) }),
        /65 people/,
      ],
      [
        'only missing points',
        JSON.stringify({ ...pixelFile, people: [{ pose_keypoints_2d: Array(54).fill(0) }] }),
        /no person with any keypoint/,
      ],
      ['many frames', JSON.stringify([pixelFile, pixelFile]), /2 frames/],
      [
        'a person that is a number',
        JSON.stringify({ ...pixelFile, people: [5] }),
        /person 1 is not an object/,
      ],
      [
        'a bad hand',
        JSON.stringify({
          ...pixelFile,
          people: [{ pose_keypoints_2d: body(0), hand_left_keypoints_2d: [1, 2, 3] }],
        }),
        /hand_left_keypoints_2d has 3 numbers/,
      ],
      ['too large', `{"people": [], "pad": "${'x'.repeat(4 * 1024 * 1024)}"}`, /too large/],
      ['binary junk', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]).toString('utf8'), /not valid JSON/],
    ];
    for (const [name, text, message] of cases) {
      const error = invalid(() => parseOpenPoseJson(text, { name: 'pose.json' }));
      expect(error.message, name).toMatch(message);
      expect(error.message, name).toContain('pose.json');
    }
  });
});
