/** Decision thresholds per code, chosen by cross-validation on the training corpus (never on dev or sealed data). */
export interface GroupCalibration {
  /** per code: the probability from which the code is given */
  thresholds: Record<string, number>;
  /** the most probable code is still given, when none passes its threshold, from this probability */
  minTop: number;
}

export interface Calibration {
  /** corpus version + coder settings the thresholds were computed for */
  version: string;
  groups: Partial<Record<'current_practice' | 'meaning' | 'challenges' | 'future', GroupCalibration>>;
}
